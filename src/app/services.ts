/**
 * The one service graph both runtimes build (`buildServices`): repositories, the runtime adapters named
 * by configuration, the pipeline definition and its steps, the processing and photo services. The local
 * runtime and the Lambda runtime differ only in what they pass: whether storage emits its own
 * "Object Created" events (the local disk does; S3 has EventBridge), and which engine runs executions.
 */
import type { Db } from '../adapters/postgres/db.js';
import { PostgresExecutionRepository } from '../adapters/postgres/executions-repository.js';
import { PostgresImageRepository } from '../adapters/postgres/images-repository.js';
import { SharpImageCodec } from '../adapters/sharp/codec.js';
import { uploadRoutingRule, EventRouter } from '../core/events.js';
import { ImageService } from '../core/image-service.js';
import { withObjectCreatedEvents } from '../core/object-events.js';
import { type PipelineDefinition, buildPipeline } from '../core/pipeline.js';
import type {
  ExecutionEngine,
  JobQueue,
  Logger,
  Notifier,
  ObjectCreatedEvent,
  ObjectStorage,
  StatusStore,
} from '../core/ports/index.js';
import { ProcessingService } from '../core/processing-service.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { createConfiguredSteps } from './configured-steps.js';
import { selectRuntimeAdapters } from './runtime-adapters.js';

export type ConfiguredSteps = Awaited<ReturnType<typeof createConfiguredSteps>>;

export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  images: PostgresImageRepository;
  executions: PostgresExecutionRepository;
  /** Storage as the services use it (emitting upload events where the store has none of its own). */
  storage: ObjectStorage;
  /** The store itself, for readiness checks. */
  rawStorage: ObjectStorage;
  queue: JobQueue;
  status: StatusStore;
  notifier: Notifier;
  definition: PipelineDefinition;
  /** The steps with the configured providers, built on first use (only workers need them). */
  steps(): Promise<ConfiguredSteps>;
  processing: ProcessingService;
  photos: ImageService;
  /** Stops the AI providers (after the queue: in-flight photos finish first) and the queue. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  db: Db;
  databaseUrl: string;
  logger: Logger;
  /** The local disk has no bucket notifications: route its puts through the event router in process. */
  emitObjectEvents: boolean;
  /** Where executions run: the local durable runner, or Step Functions. */
  engine(services: Omit<Services, 'processing' | 'photos'>): ExecutionEngine;
  notifier?: (notifier: Notifier) => Notifier;
}

export function buildServices(config: Config, options: ServiceOptions): Services {
  const { db, databaseUrl, logger } = options;
  const images = new PostgresImageRepository(db);
  const executions = new PostgresExecutionRepository(db);
  const adapters = selectRuntimeAdapters(config, { db, databaseUrl, logger });
  const { storage: rawStorage, queue, status } = adapters;
  const notifier = options.notifier ? options.notifier(adapters.notifier) : adapters.notifier;
  // S3 → EventBridge → SQS, in process: the put emits Object Created, the router enqueues the ticket.
  const router = new EventRouter<ObjectCreatedEvent>([uploadRoutingRule(rawStorage.bucket, queue)]);
  const storage = options.emitObjectEvents
    ? withObjectCreatedEvents(rawStorage, async (event) => void (await router.route(event)))
    : rawStorage;
  let steps: Promise<ConfiguredSteps> | undefined;
  const base = {
    config,
    logger,
    db,
    images,
    executions,
    storage,
    rawStorage,
    queue,
    status,
    notifier,
    definition: buildPipeline({ beautyFailure: config.PHAROS_BEAUTY_FAILURE }),
    steps: () =>
      (steps ??= createConfiguredSteps(config, {
        storage,
        results: images,
        inspections: images,
        status,
        notifier,
      })),
    close: async () => {
      await queue.stop();
      if (steps) await (await steps).providers.close();
    },
  };
  const engine = options.engine(base);
  return {
    ...base,
    processing: new ProcessingService({
      images,
      executions,
      queue,
      status,
      notifier,
      engine,
      logger,
      clock: systemClock,
    }),
    photos: new ImageService({
      images,
      storage,
      codec: new SharpImageCodec({ maxPixels: config.PHAROS_MAX_PIXELS }),
      status,
      logger,
      maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
      autoProcess: config.PHAROS_AUTO_PROCESS,
    }),
  };
}
