/**
 * Waits for photos to finish processing: live over the WebSocket (opened before the uploads start, so
 * no completion can be missed), with a slow status poll as a safety net for dropped connections.
 */
import WebSocket from 'ws';
import type { PharosApi } from './api.js';

export type Outcome = 'READY' | 'FAILED';

export interface WatchEvents {
  progress?(imageId: string, state: string, status: string): void;
  complete?(imageId: string, status: Outcome): void;
}

/** Well inside API Gateway's 10-minute idle timeout; its $default route takes the message. */
const PING_EVERY_MS = 60_000;
const PING = JSON.stringify({ action: 'ping' });

export class CompletionWatcher {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly waiting = new Set<string>();
  private socket: WebSocket | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly api: PharosApi,
    private readonly events: WatchEvents,
  ) {}

  /** Connects before anything is uploaded. A socket that cannot connect leaves the poll to do the work. */
  static async open(
    api: PharosApi,
    events: WatchEvents,
    onWarning: (message: string) => void,
  ): Promise<CompletionWatcher> {
    const watcher = new CompletionWatcher(api, events);
    await watcher
      .connect()
      .catch((error: unknown) =>
        onWarning(
          `live updates unavailable (${error instanceof Error ? error.message : String(error)}); polling instead`,
        ),
      );
    return watcher;
  }

  /**
   * The local server's /ws and API Gateway alike: the token in `?token=` (fresh for every attempt),
   * connected once the socket opens (API Gateway sends no greeting).
   */
  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.api.socketUrl());
      const timer = setTimeout(
        () => (ws.terminate(), reject(new Error('no connection within 10 s'))),
        10_000,
      );
      let ping: NodeJS.Timeout | null = null;
      ws.on('open', () => {
        clearTimeout(timer);
        this.socket = ws;
        this.retries = 0;
        ping = setInterval(() => ws.readyState === ws.OPEN && ws.send(PING), PING_EVERY_MS);
        ping.unref();
        resolve();
      });
      ws.on('message', (data) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(String(data)) as Record<string, unknown>;
        } catch {
          return;
        }
        if (message.type === 'image_processing_progress' && typeof message.image_id === 'string') {
          this.events.progress?.(message.image_id, String(message.state), String(message.status));
        } else if (message.type === 'image_processing_complete' && typeof message.image_id === 'string') {
          this.settle(message.image_id, message.status === 'READY' ? 'READY' : 'FAILED');
        }
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on('close', () => {
        if (ping) clearInterval(ping);
        const wasOpen = this.socket === ws;
        if (wasOpen) this.socket = null;
        // Dropped (API Gateway closes idle or 2-hour-old sockets): reconnect while photos are pending.
        if (wasOpen && !this.closed) this.reconnect();
      });
    });
  }

  private reconnect(): void {
    const delay = Math.min(15_000, 500 * 2 ** this.retries++);
    this.retryTimer = setTimeout(() => {
      if (this.closed) return;
      this.connect().then(
        // Whatever finished while disconnected: the loop polls at once.
        () => this.wake?.(),
        () => this.reconnect(),
      );
    }, delay);
    this.retryTimer.unref();
  }

  private settle(imageId: string, status: Outcome): void {
    if (this.outcomes.has(imageId)) return;
    this.outcomes.set(imageId, status);
    if (this.waiting.delete(imageId)) this.events.complete?.(imageId, status);
    this.wake?.();
  }

  /**
   * Resolves when every photo is READY or FAILED, or at the deadline (the rest are then missing from
   * the map). Completions that arrived before the call count too.
   */
  async waitFor(
    ids: string[],
    options: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<Map<string, Outcome>> {
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    for (const id of ids) {
      const known = this.outcomes.get(id);
      if (known) this.events.complete?.(id, known);
      else this.waiting.add(id);
    }
    const pollMs = options.pollMs ?? (this.socket ? 5_000 : 1_000);
    while (this.waiting.size && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(pollMs, Math.max(0, deadline - Date.now())));
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
      if (!this.waiting.size) break;
      // The safety net: ask for the status of whatever is still outstanding, a few at a time.
      const pending = [...this.waiting];
      for (let i = 0; i < pending.length; i += 8) {
        const batch = pending.slice(i, i + 8);
        const metas = await Promise.all(batch.map((id) => this.api.get(id).catch(() => null)));
        metas.forEach((meta, index) => {
          if (meta && (meta.status === 'READY' || meta.status === 'FAILED'))
            this.settle(batch[index]!, meta.status);
        });
      }
    }
    return new Map(ids.filter((id) => this.outcomes.has(id)).map((id) => [id, this.outcomes.get(id)!]));
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
  }
}
