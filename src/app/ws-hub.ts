/**
 * The WebSocket fan-out (API Gateway WebSocket's role): each notification goes to every open
 * connection of the photo's owner and to nobody else. Authenticated with the same JWT as the API,
 * from `?token=` or the `Sec-WebSocket-Protocol` header (`pharos.v1, <jwt>`), since browsers cannot
 * set Authorization on a WebSocket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UserNotification } from '../core/domain.js';
import type { Logger } from '../core/ports/index.js';
import type { Notifier } from '../core/ports/index.js';
import type { TokenVerifier } from '../core/ports/index.js';

export const WS_SUBPROTOCOL = 'pharos.v1';

export function tokenFromUpgrade(request: IncomingMessage): { token: string | null; viaProtocol: boolean } {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return { token: fromQuery, viaProtocol: false };
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const token = protocols.find((p) => p !== WS_SUBPROTOCOL && p.split('.').length === 3) ?? null;
  return { token, viaProtocol: token !== null };
}

function isPing(text: string): boolean {
  if (text === 'ping') return true;
  try {
    return (JSON.parse(text) as { action?: unknown } | null)?.action === 'ping';
  } catch {
    return false;
  }
}

export class WebSocketHub {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  private readonly connections = new Map<string, Set<WebSocket>>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly logger: Logger,
  ) {}

  async start(notifier: Notifier): Promise<void> {
    this.unsubscribe = await notifier.subscribe((n) => this.deliver(n));
    // Ping so that dead connections (a laptop closed) are noticed and dropped.
    const alive = new WeakSet<WebSocket>();
    this.heartbeat = setInterval(() => {
      for (const socket of this.server.clients) {
        if (!alive.has(socket)) {
          socket.terminate();
          continue;
        }
        alive.delete(socket);
        socket.ping();
      }
    }, 30_000);
    this.heartbeat.unref();
    this.server.on('connection', (socket) => {
      alive.add(socket);
      socket.on('pong', () => alive.add(socket));
    });
  }

  get connectionCount(): number {
    return this.server.clients.size;
  }

  /** Handles `GET /ws` upgrades; anything that fails authentication gets a plain 401. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { token } = tokenFromUpgrade(request);
    let userId: string;
    try {
      if (!token) throw new Error('no token');
      userId = (await this.verifier.verify(token)).userId;
    } catch {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"unauthorized","message":"a valid token is required"}}',
      );
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      let sockets = this.connections.get(userId);
      if (!sockets) this.connections.set(userId, (sockets = new Set()));
      sockets.add(ws);
      ws.on('close', () => {
        sockets.delete(ws);
        if (sockets.size === 0) this.connections.delete(userId);
      });
      ws.on('message', (data) => {
        // The only client message is a ping (`{"action":"ping"}`, the keep-alive API Gateway's
        // $default route takes; plain `ping` from older clients), answered so clients can tell liveness.
        if (isPing(String(data))) ws.send(JSON.stringify({ type: 'pong' }));
      });
      this.server.emit('connection', ws, request);
      // A courtesy for older clients; current ones (like API Gateway's) need no greeting.
      ws.send(JSON.stringify({ type: 'welcome' }));
    });
  }

  /** Closes every live connection of a user (their account was deleted). */
  disconnect(userId: string): void {
    for (const ws of this.connections.get(userId) ?? []) ws.close(4401, 'account deleted');
  }

  private deliver(notification: UserNotification): void {
    const sockets = this.connections.get(notification.user_id);
    if (!sockets) return;
    const payload = JSON.stringify(notification.message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(payload);
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unsubscribe?.();
    for (const ws of this.server.clients) ws.close(1001, 'server shutting down');
    this.server.close();
  }
}
