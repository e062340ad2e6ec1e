/**
 * The job queue on pg-boss (SQS's role locally). Delivery is at-least-once: a job whose worker died
 * stops sending heartbeats, the supervisor fails it, and it is retried by another worker.
 */
import { PgBoss } from 'pg-boss';
import type { Logger } from '../../core/ports/index.js';
import type { JobQueue, QueuedJob } from '../../core/ports/index.js';

export interface PgBossQueueOptions {
  url: string;
  logger: Logger;
  /**
   * Jobs this process runs at once (default 4). Each slot fetches its next job as soon as it is free,
   * so a burst waits in PostgreSQL, never in memory, and no slot waits a polling interval for work.
   */
  concurrency?: number;
  retryLimit?: number;
  heartbeatSeconds?: number;
  superviseIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
  /** How long stop() lets in-flight jobs finish before aborting them (they are then redelivered). */
  shutdownGraceMs?: number;
}

export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly created = new Set<string>();
  private readonly shutdown = new AbortController();
  private started: Promise<void> | null = null;

  constructor(private readonly options: PgBossQueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.url,
      useListenNotify: true,
      superviseIntervalSeconds: options.superviseIntervalSeconds ?? 10,
      // The monitor pass is what fails jobs whose worker stopped sending heartbeats (a crash).
      monitorIntervalSeconds: options.superviseIntervalSeconds ?? 10,
      application_name: 'pharos-queue',
    });
    this.boss.on('error', (error: Error) => options.logger.error({ err: error }, 'queue error'));
  }

  private start(): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    return this.started;
  }

  private async ensureQueue(name: string, deadLetter?: string): Promise<void> {
    if (this.created.has(name)) return;
    await this.start();
    const settings = {
      retryLimit: this.options.retryLimit ?? 8,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 30,
      heartbeatSeconds: this.options.heartbeatSeconds ?? 10,
      notify: true,
    };
    if (!(await this.boss.getQueue(name))) {
      await this.boss
        .createQueue(name, deadLetter ? { ...settings, deadLetter } : settings)
        .catch(async (error: unknown) => {
          if (!(await this.boss.getQueue(name))) throw error; // another process created it first: fine
        });
    }
    this.created.add(name);
  }

  /** Each queue has a dead-letter queue for tickets that exhausted their retries. */
  private async ensureQueues(queue: string): Promise<void> {
    await this.ensureQueue(`${queue}-dead`);
    await this.ensureQueue(queue, `${queue}-dead`);
  }

  async send<T extends object>(queue: string, data: T): Promise<string> {
    await this.ensureQueues(queue);
    const id = await this.boss.send(queue, data);
    if (!id) throw new Error(`queue ${queue} refused the job`);
    return id;
  }

  async work<T extends object>(
    queue: string,
    handler: (job: QueuedJob<T>, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    await this.ensureQueues(queue);
    const polling = this.options.pollingIntervalSeconds ?? 2;
    const options = {
      batchSize: 1,
      pollingIntervalSeconds: polling,
      // NOTIFY wakes idle slots for new jobs; retries of a crashed worker's job are found by polling.
      notifyPollingIntervalSeconds: polling,
      perJobResults: true,
    };
    // One pg-boss worker per slot rather than one batch: a batch would hold its fast photos' slots
    // until its slowest photo finished.
    for (let slot = 0; slot < (this.options.concurrency ?? 4); slot++) {
      let workerId = ''; // set before the slot's first fetch can return (a database round trip)
      workerId = await this.boss.work<T>(queue, options, async ([job]) => {
        try {
          await handler(
            { id: job!.id, data: job!.data },
            AbortSignal.any([job!.signal, this.shutdown.signal]),
          );
          return [{ id: job!.id, status: 'completed' as const }];
        } catch (error) {
          this.options.logger.warn({ err: error, job_id: job!.id, queue }, 'job failed; it will be retried');
          const message = String((error as Error | undefined)?.message ?? error);
          return [{ id: job!.id, status: 'failed' as const, output: { message } }];
        } finally {
          // The slot is free: fetch the next job now instead of sleeping until a NOTIFY or the poll.
          this.boss.notifyWorker(workerId);
        }
      });
    }
  }

  async depth(queue: string): Promise<{ queued: number; active: number }> {
    const info = await this.boss.getQueue(queue);
    return { queued: info?.queuedCount ?? 0, active: info?.activeCount ?? 0 };
  }

  /** Readiness: the queue's tables answer (starts pg-boss if this process had not yet). */
  async ping(): Promise<void> {
    await this.start();
    await this.boss.getDb().executeSql('SELECT 1 FROM pgboss.queue LIMIT 1');
  }

  /**
   * For /metrics, live from the job table (getQueue's counts are refreshed only by the monitor pass):
   * jobs waiting (new or awaiting a retry) and running, and how long the oldest waiting job has waited.
   */
  async stats(queue: string): Promise<{ queued: number; active: number; oldestAgeSeconds: number | null }> {
    await this.start();
    const result = (await this.boss.getDb().executeSql(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              EXTRACT(EPOCH FROM (now() - min(created_on) FILTER (WHERE state IN ('created', 'retry'))))::float8 AS age
         FROM pgboss.job WHERE name = $1`,
      [queue],
    )) as { rows: { queued: number; active: number; age: number | null }[] };
    const row = result.rows[0];
    return { queued: row?.queued ?? 0, active: row?.active ?? 0, oldestAgeSeconds: row?.age ?? null };
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const grace = this.options.shutdownGraceMs ?? 10_000;
    const abortLater = setTimeout(() => this.shutdown.abort(new Error('shutting down')), grace);
    try {
      await this.boss.stop({ graceful: true, timeout: grace + 5_000 });
    } finally {
      clearTimeout(abortLater);
    }
  }
}
