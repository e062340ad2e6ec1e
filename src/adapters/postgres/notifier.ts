/**
 * Fan-out over PostgreSQL LISTEN/NOTIFY (SNS's role locally): a worker in any process publishes, and
 * every API process that holds WebSockets hears it. One dedicated connection per subscribing process,
 * re-established with backoff when it drops.
 */
import pg from 'pg';
import type { UserNotification } from '../../core/domain.js';
import type { Logger } from '../../core/ports/index.js';
import type { Notifier } from '../../core/ports/index.js';
import type { Db } from './db.js';

const CHANNEL = 'pharos_notifications';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7000;

/** Takes the oldest notifications that fit in one payload (always at least one). */
function takeBatch<T extends { notification: UserNotification }>(pending: T[]): T[] {
  let bytes = 2;
  let count = 0;
  while (count < pending.length) {
    bytes += Buffer.byteLength(JSON.stringify(pending[count]!.notification)) + 1;
    if (count > 0 && bytes > MAX_PAYLOAD_BYTES) break;
    count++;
  }
  return pending.splice(0, count);
}

export class PostgresNotifier implements Notifier {
  constructor(
    private readonly db: Db,
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /** Notifications waiting for the statement in flight; sent together, in order, by the next one. */
  private pending: { notification: UserNotification; sent: () => void; failed: (e: unknown) => void }[] = [];
  private flushing = false;

  /**
   * Publishes in call order, batched: while one NOTIFY is in flight, later publishes (progress of
   * every running photo) queue up and go out as one JSON array in one statement, so a burst costs a
   * round trip per batch rather than per message, and a completion never waits behind a backlog.
   */
  publish(notification: UserNotification): Promise<void> {
    return new Promise((sent, failed) => {
      this.pending.push({ notification, sent, failed });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length) {
      const batch = takeBatch(this.pending);
      try {
        const payload = JSON.stringify(batch.map((p) => p.notification));
        await this.db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
        for (const p of batch) p.sent();
      } catch (error) {
        for (const p of batch) p.failed(error);
      }
    }
    this.flushing = false;
  }

  async subscribe(listener: (notification: UserNotification) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retryMs = 100;

    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.url, application_name: 'pharos-listener' });
      next.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return;
        let parsed: UserNotification | UserNotification[];
        try {
          // A batch (an array) or, from an older publisher, one notification.
          parsed = JSON.parse(message.payload) as UserNotification | UserNotification[];
        } catch (error) {
          this.logger.warn({ err: error }, 'dropped a malformed notification');
          return;
        }
        for (const notification of Array.isArray(parsed) ? parsed : [parsed]) {
          try {
            listener(notification);
          } catch (error) {
            this.logger.warn({ err: error }, 'a notification listener failed');
          }
        }
      });
      next.on('error', (error) => {
        this.logger.warn({ err: error }, 'notification listener lost its connection');
        void next.end().catch(() => undefined);
        if (client === next) client = null;
        scheduleReconnect();
      });
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      client = next;
      retryMs = 100;
    };

    const scheduleReconnect = () => {
      if (stopped) return;
      setTimeout(() => {
        if (stopped) return;
        connect().catch((error: unknown) => {
          this.logger.warn({ err: error, retry_ms: retryMs }, 'notification listener reconnect failed');
          retryMs = Math.min(retryMs * 2, 5_000);
          scheduleReconnect();
        });
      }, retryMs).unref();
    };

    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
      client = null;
    };
  }
}
