/**
 * API Gateway WebSocket API on one stage (`ws://127.0.0.1:<port>/<stage>`): `$connect` runs its Lambda
 * with the handshake's query string and headers and the socket opens only on a 2xx answer (else the
 * handshake gets that status); each message is routed by the route selection expression
 * (`$request.body.action`) to its route or `$default` — a Lambda, or a MOCK integration answered here
 * from its request template — and with neither API Gateway's own `{"message":"Forbidden"}` comes back; `$disconnect` runs after the socket closes. Sockets idle for
 * 10 minutes are closed, as API Gateway does. The management API (`POST/GET/DELETE
 * <callback URL>/@connections/{id}`) posts to a socket, or answers 410 Gone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { invokeAsync, type LocalFunction } from './lambda.js';
import { ACCOUNT } from './template.js';

/** A route's integration: a Lambda function, or a MOCK answered by API Gateway itself. */
export type WebSocketRoute =
  | { fn: LocalFunction }
  | { mock: { requestTemplates: Record<string, string>; templateSelectionExpression: string } };

export interface WebSocketRoutes {
  stage: string;
  selection: string;
  routes: Map<string, WebSocketRoute>;
}

export interface RoutedMessage {
  connectionId: string;
  routeKey: string;
  /** The integration's status: a MOCK's `statusCode`, 200 for a function that returned, 500 for one that threw. */
  status: number;
}

/**
 * A MOCK integration's status: the request template the selection expression picks (`\$default` is the
 * literal key `$default`), rendered as it stands (no VTL in ours), and its `statusCode`.
 */
function mockStatus(mock: { requestTemplates: Record<string, string>; templateSelectionExpression: string }) {
  const key = mock.templateSelectionExpression.replace(/^\\/, '') || '$default';
  const template = mock.requestTemplates[key];
  if (template === undefined) return 500; // no template: API Gateway's "Internal server error"
  try {
    return Number((JSON.parse(template) as { statusCode?: unknown }).statusCode ?? 500);
  } catch {
    return 500;
  }
}

interface Connection {
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  idle?: NodeJS.Timeout;
}

export class WebSocketApi {
  readonly connections = new Map<string, Connection>();
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Every management call, for inspection. */
  readonly posts: { connectionId: string; status: number }[] = [];
  /** Every client message routed, for inspection. */
  readonly messages: RoutedMessage[] = [];

  constructor(
    readonly apiId: string,
    private readonly server: Server,
    private readonly config: WebSocketRoutes,
    private readonly idleMs = 10 * 60_000,
  ) {
    server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
    server.on('request', (req, res) => void this.manage(req, res));
  }

  private context(connectionId: string, routeKey: string, eventType: string, req?: IncomingMessage) {
    const now = Date.now();
    return {
      routeKey,
      eventType,
      extendedRequestId: randomUUID(),
      requestTimeEpoch: now,
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN',
      stage: this.config.stage,
      connectedAt: this.connections.get(connectionId)?.connectedAt ?? now,
      requestId: randomUUID(),
      domainName: String(req?.headers.host ?? ''),
      connectionId,
      apiId: this.apiId,
      identity: {
        sourceIp: req?.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(req?.headers['user-agent'] ?? ''),
      },
      accountId: ACCOUNT,
    };
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ws');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname.replace(/\/$/, '') !== `/${this.config.stage}`) return refuse(403, 'Forbidden');
    const connectionId = randomBytes(12).toString('base64').replace(/[+/]/g, 'A');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
    );
    const query = url.search ? Object.fromEntries(url.searchParams) : undefined;
    const connect = this.functionOf('$connect');
    if (connect) {
      let status: number;
      try {
        const result = (await connect.invoke({
          headers,
          multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
          ...(query
            ? {
                queryStringParameters: query,
                multiValueQueryStringParameters: Object.fromEntries(
                  Object.entries(query).map(([k, v]) => [k, [v]]),
                ),
              }
            : {}),
          requestContext: this.context(connectionId, '$connect', 'CONNECT', req),
          isBase64Encoded: false,
        })) as { statusCode?: number } | null;
        status = result?.statusCode ?? 200;
      } catch {
        status = 500; // a function error: API Gateway refuses the handshake
      }
      if (status < 200 || status > 299)
        return refuse(status, status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.opened(connectionId, ws, req));
  }

  private touch(connectionId: string) {
    const connection = this.connections.get(connectionId);
    if (!connection) return;
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idle);
    connection.idle = setTimeout(() => connection.socket.close(1001, 'Going away'), this.idleMs);
    connection.idle.unref();
  }

  private opened(connectionId: string, socket: WebSocket, req: IncomingMessage) {
    const now = Date.now();
    this.connections.set(connectionId, {
      socket,
      connectedAt: now,
      lastActiveAt: now,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    this.touch(connectionId);
    socket.on('message', (data) => void this.message(connectionId, data.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(this.connections.get(connectionId)?.idle);
      this.connections.delete(connectionId);
      const disconnect = this.functionOf('$disconnect');
      if (disconnect)
        invokeAsync(disconnect, {
          headers: {},
          requestContext: {
            ...this.context(connectionId, '$disconnect', 'DISCONNECT'),
            disconnectStatusCode: 1000,
            disconnectReason: '',
          },
          isBase64Encoded: false,
        });
    });
  }

  private routeKeyOf(body: string): string | undefined {
    const match = /^\$request\.body\.(.+)$/.exec(this.config.selection);
    if (!match) return undefined;
    try {
      let value: unknown = JSON.parse(body);
      for (const key of match[1]!.split('.')) value = (value as Record<string, unknown>)?.[key];
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private functionOf(routeKey: string): LocalFunction | undefined {
    const route = this.config.routes.get(routeKey);
    return route && 'fn' in route ? route.fn : undefined;
  }

  private async message(connectionId: string, body: string): Promise<void> {
    this.touch(connectionId);
    const selected = this.routeKeyOf(body);
    const routeKey = selected && this.config.routes.has(selected) ? selected : '$default';
    const route = this.config.routes.get(routeKey);
    const connection = this.connections.get(connectionId);
    const routed = (status: number) => this.messages.push({ connectionId, routeKey, status });
    const internalError = () =>
      connection?.socket.send(
        JSON.stringify({ message: 'Internal server error', connectionId, requestId: randomUUID() }),
      );
    if (!route) {
      routed(403);
      connection?.socket.send(
        JSON.stringify({ message: 'Forbidden', connectionId, requestId: randomUUID() }),
      );
      return;
    }
    if ('mock' in route) {
      // Answered inside API Gateway; with no route response nothing goes back to the client.
      const status = mockStatus(route.mock);
      routed(status);
      if (status >= 500) internalError();
      return;
    }
    try {
      await route.fn.invoke({
        requestContext: { ...this.context(connectionId, routeKey, 'MESSAGE'), messageId: randomUUID() },
        body,
        isBase64Encoded: false,
      });
      routed(200);
    } catch {
      routed(500);
      internalError();
    }
  }

  /** The management API: `{callback}/@connections/{id}`. */
  private async manage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ws');
    const match = new RegExp(`^/${this.config.stage}/@connections/([^/]+)$`).exec(url.pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = (status: number, body: object | null) => {
      if (match) this.posts.push({ connectionId: decodeURIComponent(match[1]!), status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : '');
    };
    if (!match) return answer(404, { message: 'Not Found' });
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
      return answer(403, { message: 'Missing Authentication Token' });
    const connection = this.connections.get(decodeURIComponent(match[1]!));
    if (!connection || connection.socket.readyState !== WebSocket.OPEN)
      return answer(410, { message: 'GoneException' });
    if (req.method === 'POST') {
      connection.socket.send(Buffer.concat(chunks).toString('utf8'));
      return answer(200, null);
    }
    if (req.method === 'DELETE') {
      connection.socket.close(1000);
      return answer(204, null);
    }
    return answer(200, {
      ConnectedAt: new Date(connection.connectedAt).toISOString(),
      LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
    });
  }

  async close(): Promise<void> {
    for (const { socket, idle } of this.connections.values()) {
      clearTimeout(idle);
      socket.terminate();
    }
    this.wss.close();
  }
}
