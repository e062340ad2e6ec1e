/**
 * The live channel: one WebSocket per signed-in page, reconnected with exponential backoff and
 * jitter. `onConnected` fires on every (re)connection once the server has greeted us, which is the
 * page's cue to re-fetch what it may have missed while disconnected.
 */
import type { ServerMessage } from '../api/types';
import { completionReceived, socketAttempted, socketOpened } from '../metrics';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveSocketOptions {
  url: string;
  token: string;
  onMessage(message: ServerMessage): void;
  onConnected(): void;
  onState(state: ConnectionState): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;
/** A text ping every so often; no answer in time means a half-open connection, so start over. */
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export function socketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
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
    this.ws?.close(1000, 'signed out');
    this.ws = null;
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
    // The token travels as a subprotocol, which keeps it out of URLs and access logs.
    const ws = new WebSocket(this.options.url, ['pharos.v1', this.options.token]);
    socketAttempted();
    this.ws = ws;
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
    if (message.type === 'welcome') {
      this.attempt = 0;
      socketOpened();
      this.options.onState('live');
      this.schedulePing();
      this.options.onConnected();
      return;
    }
    if (message.type === 'image_processing_complete') completionReceived(message.image_id, message.status);
    if (message.type !== 'pong') this.options.onMessage(message);
  }

  private schedulePing(): void {
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      ws.send('ping');
      window.clearTimeout(this.pongTimer);
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
