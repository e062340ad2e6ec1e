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

export class PostgresNotifier implements Notifier {
  constructor(
    private readonly db: Db,
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  private tail: Promise<unknown> = Promise.resolve();

  /** Publishes in call order: pooled connections could otherwise reorder progress and completion. */
  publish(notification: UserNotification): Promise<void> {
    const sent = this.tail.then(() =>
      this.db.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(notification)]),
    );
    this.tail = sent.catch(() => undefined);
    return sent.then(() => undefined);
  }

  async subscribe(listener: (notification: UserNotification) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retryMs = 100;

    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.url, application_name: 'pharos-listener' });
      next.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return;
        try {
          listener(JSON.parse(message.payload) as UserNotification);
        } catch (error) {
          this.logger.warn({ err: error }, 'dropped a malformed notification');
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
