/**
 * The live channel: one WebSocket per signed-in page, to the local server's /ws or to an API Gateway
 * WebSocket stage alike. So it relies only on what both do: the token goes in `?token=` (read by
 * `$connect`; a fresh one for every attempt, since tokens renew), the open event means "connected"
 * (API Gateway sends no greeting), and a small `{"action":"ping"}` now and then keeps API Gateway's
 * 10-minute idle timeout away (its `$default` route takes it). Reconnects use exponential backoff with
 * jitter; `onConnected` fires on every (re)connection, the page's cue to re-fetch what it missed.
 */
import type { ServerMessage } from '../api/types';
import { completionReceived, socketAttempted, socketOpened } from '../milestones';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveSocketOptions {
  /** The URL for a token; called for every attempt. */
  url(token: string): string;
  /** A currently valid token (renewed by the sign-in provider). */
  token(): string;
  onMessage(message: ServerMessage): void;
  onConnected(): void;
  onState(state: ConnectionState): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
/** Well inside API Gateway's 10-minute idle timeout, and cheap (one tiny message a minute). */
const PING_EVERY_MS = 60_000;
/** Only for servers that answer pings (the local one): no pong in time = a half-open connection. */
const PONG_WITHIN_MS = 10_000;
export const PING = JSON.stringify({ action: 'ping' });

export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
  /** Whether this connection's server answers pings; API Gateway's need not. */
  private answersPings = false;
  private stopped = false;

  constructor(private readonly options: LiveSocketOptions) {}

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close(1000, 'signed out');
    }
    this.options.onState('closed');
  }

  /** The browser says the network is back: no reason to wait out the backoff. */
  private readonly reconnectNow = () => {
    if (this.stopped || this.ws) return;
    window.clearTimeout(this.retryTimer);
    this.connect();
  };

  private connect(): void {
    this.options.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.options.url(this.options.token()));
    } catch {
      this.scheduleReconnect();
      return;
    }
    socketAttempted();
    this.ws = ws;
    this.answersPings = false;
    ws.onopen = () => {
      this.attempt = 0;
      socketOpened();
      this.options.onState('live');
      this.schedulePing();
      this.options.onConnected();
    };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (!this.stopped) this.scheduleReconnect();
    };
    // An error is always followed by a close event, where the reconnect is scheduled.
    ws.onerror = () => {};
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    window.clearTimeout(this.pongTimer);
    if (message.type === 'pong') {
      this.answersPings = true;
      return;
    }
    if (message.type === 'image_processing_complete') completionReceived(message.image_id, message.status);
    if (message.type === 'image_processing_progress' || message.type === 'image_processing_complete')
      this.options.onMessage(message);
  }

  private schedulePing(): void {
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      ws.send(PING);
      window.clearTimeout(this.pongTimer);
      if (this.answersPings)
        this.pongTimer = window.setTimeout(() => ws.close(4000, 'no pong'), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private scheduleReconnect(): void {
    this.options.onState('reconnecting');
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  private clearTimers(): void {
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }
}
