/**
 * The composition root: builds every adapter named by configuration and wires them into the core.
 * Entry points (server, worker, tests, Lambda handlers) only choose a role and call this.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { EventRouter, ticketFromObjectCreated, uploadEventPattern } from '../core/events.js';
import { ImageService } from '../core/image-service.js';
import type { Logger } from '../core/ports/index.js';
import { buildPipeline } from '../core/pipeline.js';
import { LocalExecutionEngine } from '../core/local-engine.js';
import { PROCESSING_QUEUE, ProcessingService } from '../core/processing-service.js';
import type { Clock, ObjectCreatedEvent } from '../core/ports/index.js';
import type { JobTicket } from '../core/domain.js';
import { progressObserver } from '../core/progress.js';
import { PipelineRunner } from '../core/runner.js';
import { LocalTokenIssuer, scryptHasher } from '../adapters/jwt/local-issuer.js';
import { OidcTokenVerifier } from '../adapters/jwt/oidc-verifier.js';
import type { TokenVerifier } from '../core/ports/index.js';
import { withObjectCreatedEvents } from '../core/object-events.js';
import { SharpImageCodec } from '../adapters/sharp/codec.js';
import { createPool } from '../adapters/postgres/db.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../adapters/postgres/embedded.js';
import { PostgresExecutionRepository } from '../adapters/postgres/executions-repository.js';
import { PostgresImageRepository } from '../adapters/postgres/images-repository.js';
import { migrate } from '../adapters/postgres/migrate.js';
import { PostgresUserRepository } from '../adapters/postgres/users-repository.js';
import type { AiWorkerPool } from '../adapters/piscina/ai-pool.js';
import { AccountService } from '../core/accounts.js';
import { createConfiguredSteps } from './configured-steps.js';
import type { Config } from './config.js';
import { Metrics, type QueueStats } from './metrics.js';
import { readinessChecks } from './readiness.js';
import { createHttpApp } from './http/app.js';
import { answerClientErrors } from './http/client-errors.js';
import { selectRuntimeAdapters } from './runtime-adapters.js';
import { webConfigFrom } from './http/web-config.js';
import { mountWebUi } from './http/web-ui.js';
import { WebSocketHub } from './ws-hub.js';

export type Role = 'all' | 'api' | 'worker';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
};

export interface Runtime {
  url: string | null;
  databaseUrl: string;
  logger: Logger;
  /** The offline AI's worker threads, when it runs on them (diagnostics and tests). */
  aiPool: AiWorkerPool | null;
  stop(): Promise<void>;
}

export async function startRuntime(config: Config, role: Role, logger: Logger): Promise<Runtime> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    }
  };
  try {
    let embedded: EmbeddedDatabase | null = null;
    if (!config.DATABASE_URL) {
      embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), logger);
      cleanups.push(() => embedded!.stop());
    }
    const databaseUrl = config.DATABASE_URL ?? embedded!.url;
    const db = createPool(databaseUrl, 20);
    cleanups.push(() => db.end());
    await migrate(db);

    const images = new PostgresImageRepository(db);
    const executions = new PostgresExecutionRepository(db);
    // PostgreSQL, the local disk and pg-boss by default; S3, SQS, DynamoDB and SNS by configuration.
    const {
      storage: rawStorage,
      queue,
      status,
      notifier,
    } = selectRuntimeAdapters(config, { db, databaseUrl, logger });
    // The AI threads stop after the queue (cleanups run in reverse): in-flight photos finish first.
    let closeProviders = async () => undefined as void;
    cleanups.push(() => closeProviders());
    cleanups.push(() => queue.stop());

    // S3 → EventBridge → SQS, locally: the upload's put emits Object Created, the router enqueues.
    const router = new EventRouter<ObjectCreatedEvent>([
      {
        name: 'process-uploads',
        pattern: uploadEventPattern(rawStorage.bucket),
        target: async (event) => {
          const ticket: JobTicket | null = ticketFromObjectCreated(event);
          if (ticket) await queue.send(PROCESSING_QUEUE, ticket);
        },
      },
    ]);
    const storage = withObjectCreatedEvents(rawStorage, async (event) => {
      await router.route(event);
    });

    const { providers, steps } = await createConfiguredSteps(config, {
      storage,
      results: images,
      status,
      notifier,
    });
    closeProviders = providers.close;
    // Prometheus metrics: state transitions via the runner's observer, gauges read at scrape time.
    const metrics = new Metrics(
      {
        DetectLabels: providers.labels.name,
        DescribeAndTag: providers.describer.name,
        ScoreBeauty: providers.beauty.name,
      },
      logger,
    );
    metrics.addSources({
      photosByStatus: async () => {
        const { rows } = await db.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM images GROUP BY status',
        );
        return Object.fromEntries(rows.map((r) => [r.status, r.n]));
      },
      queues: [PROCESSING_QUEUE, `${PROCESSING_QUEUE}-dead`],
      queueStats: hasStats(queue) ? (name) => queue.stats(name) : undefined,
    });
    const runner = new PipelineRunner({
      definition: buildPipeline({ beautyFailure: config.PHAROS_BEAUTY_FAILURE }),
      steps,
      store: executions,
      clock: systemClock,
      retryDelayScale: config.PHAROS_RETRY_DELAY_SCALE,
      timeoutScale: config.PHAROS_STATE_TIMEOUT_SCALE,
      observer: metrics.observer(progressObserver(notifier, logger)),
    });
    const workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
    const engine = new LocalExecutionEngine(executions, runner, workerId);
    const processing = new ProcessingService({ images, executions, queue, status, notifier, engine, logger });

    if (role !== 'api') {
      await queue.work<JobTicket>(PROCESSING_QUEUE, (job, signal) =>
        processing.handleTicket(job.data, signal),
      );
      const sweep = setInterval(() => {
        processing.recoverStalled(config.PHAROS_STALLED_AFTER_SECONDS * 1000).catch((error: unknown) => {
          logger.warn({ err: error }, 'stalled-work sweep failed');
        });
      }, config.PHAROS_SWEEP_SECONDS * 1000);
      sweep.unref();
      cleanups.push(async () => clearInterval(sweep));
      logger.info({ worker_id: workerId }, 'worker started');
    }

    let url: string | null = null;
    if (role !== 'worker') {
      let tokens: TokenVerifier;
      let issuer: LocalTokenIssuer | null = null;
      if (config.PHAROS_AUTH === 'local') {
        issuer = await LocalTokenIssuer.open(
          path.join(config.dataDir, 'keys'),
          config.PHAROS_TOKEN_TTL_SECONDS,
        );
        tokens = issuer;
      } else {
        tokens = new OidcTokenVerifier({
          issuer: config.OIDC_ISSUER!,
          // The browser's client id is the audience unless told otherwise.
          audience: config.OIDC_AUDIENCE ?? config.OIDC_CLIENT_ID,
          jwksUrl: config.OIDC_JWKS_URL,
        });
      }
      const jwks = issuer ? () => issuer.jwks() : null;
      const imageService = new ImageService({
        images,
        storage,
        codec: new SharpImageCodec({ maxPixels: config.PHAROS_MAX_PIXELS }),
        status,
        logger,
        maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
        autoProcess: config.PHAROS_AUTO_PROCESS,
      });
      const accounts = new AccountService({
        users: issuer ? new PostgresUserRepository(db) : null,
        hasher: scryptHasher,
        issuer,
        images: imageService,
        clock: systemClock,
        limits: {
          perUsername: config.PHAROS_LOGIN_FAILURES_PER_USERNAME,
          perAddress: config.PHAROS_LOGIN_FAILURES_PER_ADDRESS,
          firstLockSeconds: config.PHAROS_LOGIN_LOCK_SECONDS,
          maxLockSeconds: 900,
        },
      });
      const verifier = accounts.verifierFor(tokens);
      const app = createHttpApp({
        images: imageService,
        processing,
        verifier,
        accounts,
        jwks,
        maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
        showGps: config.PHAROS_GPS === 'owner',
        webConfig: webConfigFrom(config),
        logger,
        ready: readinessChecks({ database: () => db.query('SELECT 1'), queue, storage: rawStorage }),
        metrics:
          config.PHAROS_METRICS === 'off'
            ? null
            : { instance: metrics, mode: config.PHAROS_METRICS, token: config.PHAROS_METRICS_TOKEN },
      });
      if (!mountWebUi(app)) logger.warn({}, 'web UI not built (web/dist missing): serving the API only');
      const hub = new WebSocketHub(verifier, logger);
      await hub.start(notifier);
      accounts.onDeleted((userId) => hub.disconnect(userId));
      metrics.addSources({ websocketConnections: () => hub.connectionCount });
      const server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () =>
          resolve(s as Server),
        );
      });
      answerClientErrors(server, logger);
      server.on('upgrade', (request, socket, head) => {
        const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
        if (pathname === '/ws') void hub.handleUpgrade(request, socket, head);
        else socket.destroy();
      });
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      // Cleanups run in reverse: sockets close first, or server.close() would wait on them forever.
      cleanups.push(() => hub.stop());
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
      url = config.PHAROS_PUBLIC_URL ?? `http://${host}:${port}`;
    }
    return { url, databaseUrl, logger, aiPool: providers.aiPool, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function hasStats(queue: object): queue is { stats(name: string): Promise<QueueStats> } {
  return typeof (queue as { stats?: unknown }).stats === 'function';
}
