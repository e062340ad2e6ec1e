/**
 * The local composition root: the database, the service graph, a worker and the HTTP server, as the
 * role asks, and the order they stop in. Entry points (server, api, worker, tests, bench) call this.
 */
import { randomUUID } from 'node:crypto';
import { LocalExecutionEngine } from '../core/local-engine.js';
import type { Logger } from '../core/ports/index.js';
import { PROCESSING_QUEUE } from '../core/processing-service.js';
import { progressObserver } from '../core/progress.js';
import { PipelineRunner } from '../core/runner.js';
import type { AiWorkerPool } from '../adapters/piscina/ai-pool.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase } from './database.js';
import { startHttp } from './http-server.js';
import { Metrics, type QueueStats } from './metrics.js';
import { buildServices } from './services.js';
import { startWorker } from './worker.js';

export type Role = 'all' | 'api' | 'worker';

export interface Runtime {
  url: string | null;
  databaseUrl: string;
  logger: Logger;
  /** The offline AI's worker threads, when it runs on them (diagnostics and tests). */
  aiPool: AiWorkerPool | null;
  stop(): Promise<void>;
}

export async function startRuntime(config: Config, role: Role, logger: Logger): Promise<Runtime> {
  // Stopped in reverse order of starting: HTTP, then the worker, the queue and AI, then the database.
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const part of started.reverse()) {
      await part.stop().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };
  try {
    const database = await openDatabase(config, logger);
    started.push({ stop: database.close });
    const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
    // The runner needs the services' steps, and the services need the engine: it is handed over below.
    const runner: { current?: PipelineRunner } = {};
    const services = buildServices(config, {
      db: database.db,
      databaseUrl: database.url,
      logger,
      emitObjectEvents: true,
      engine: ({ executions }) =>
        new LocalExecutionEngine(
          executions,
          { run: (id, signal) => runner.current!.run(id, signal) },
          workerId,
        ),
    });
    started.push({ stop: services.close });
    const { steps, providers } = await services.steps();
    // Prometheus metrics: state transitions via the runner's observer, gauges read at scrape time.
    const metrics = new Metrics(
      {
        DetectLabels: providers.labels.name,
        DescribeAndTag: providers.describer.name,
        ScoreBeauty: providers.beauty.name,
      },
      logger,
    );
    const { queue } = services;
    metrics.addSources({
      photosByStatus: () => services.images.countByStatus(),
      queues: [PROCESSING_QUEUE, `${PROCESSING_QUEUE}-dead`],
      queueStats: hasStats(queue) ? (name) => queue.stats(name) : undefined,
    });
    runner.current = new PipelineRunner({
      definition: services.definition,
      steps,
      store: services.executions,
      clock: systemClock,
      retryDelayScale: config.PHAROS_RETRY_DELAY_SCALE,
      timeoutScale: config.PHAROS_STATE_TIMEOUT_SCALE,
      observer: metrics.observer(progressObserver(services.notifier, logger)),
    });
    if (role !== 'api') started.push(await startWorker(services, workerId));
    const http = role !== 'worker' ? await startHttp(services, metrics) : null;
    if (http) started.push(http);
    return { url: http?.url ?? null, databaseUrl: database.url, logger, aiPool: providers.aiPool, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function hasStats(queue: object): queue is { stats(name: string): Promise<QueueStats> } {
  return typeof (queue as { stats?: unknown }).stats === 'function';
}
