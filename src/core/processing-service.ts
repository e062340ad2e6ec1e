/**
 * ProcessingService: the seed's StartJob and its worker. Starting an execution is idempotent per
 * trigger (an execution name, like Step Functions'), and at most one execution per photo is active;
 * where it runs is the `ExecutionEngine`'s business (the local engine, or Step Functions).
 */
import { EXECUTION_STARTED, type JobTicket } from './domain.js';
import { AppError } from './errors.js';
import { NOTIFY_STATE } from './pipeline.js';
import type {
  Clock,
  ExecutionEngine,
  ExecutionRecord,
  ExecutionRepository,
  ImageRecord,
  ImageRepository,
  JobQueue,
  Logger,
  Notifier,
  StartResult,
  StatusStore,
} from './ports/index.js';
import type { TimelineExecution } from './timeline.js';

export const PROCESSING_QUEUE = 'image-processing';

/** How long a rerun waits for a run that is only announcing its outcome (Notify) to close. */
const FINISHING_WAIT_MS = 10_000;
const FINISHING_POLL_MS = 25;

export interface ProcessingDependencies {
  images: ImageRepository;
  executions: ExecutionRepository;
  queue: JobQueue;
  status: StatusStore;
  notifier: Notifier;
  engine: ExecutionEngine;
  logger: Logger;
  clock: Clock;
}

export class ProcessingService {
  constructor(private readonly deps: ProcessingDependencies) {}

  /** `POST /images/{id}/process`: status PROCESSING, outputs cleared, execution started and queued. */
  async requestProcessing(userId: string, imageId: string): Promise<ExecutionRecord> {
    const image = await this.deps.images.get(imageId, userId);
    if (!image) throw new AppError(404, 'not_found', 'image not found');
    const name = await this.deps.executions.nextName(imageId);
    const started = await this.startAfterFinishing(image, name);
    if (started.kind === 'started') await this.announceStart(image, started.execution);
    return started.execution;
  }

  /**
   * The completion message goes out in Notify, a moment before its execution closes, so a client that
   * reprocesses on that message can find the old run still active. A run in Notify has saved its
   * outcome and ends within moments: wait for it, rather than answer with the run to be replaced.
   * A run in any earlier state is the answer (at most one active execution per photo).
   */
  private async startAfterFinishing(image: ImageRecord, name: string): Promise<StartResult> {
    const { executions, clock } = this.deps;
    const deadline = clock.now().getTime() + FINISHING_WAIT_MS;
    for (;;) {
      const started = await executions.start(image, name, 'api');
      if (started.kind === 'started' || started.execution.status !== 'RUNNING') return started;
      if (started.execution.current_state !== NOTIFY_STATE || clock.now().getTime() >= deadline)
        return started;
      await clock.sleep(FINISHING_POLL_MS);
    }
  }

  /** The worker's side of the queue: start (upload tickets) or resume an execution, then run it. */
  async handleTicket(ticket: JobTicket, signal: AbortSignal): Promise<void> {
    const log = this.deps.logger.child({ image_id: ticket.image_id });
    const image = await this.deps.images.getById(ticket.image_id);
    if (!image || image.user_id !== ticket.user_id || image.object_key !== ticket.key) {
      log.info({ key: ticket.key }, 'ticket for a photo that no longer exists: dropped');
      return;
    }
    let executionId = ticket.execution_id;
    if (!executionId) {
      if (!image.auto_process) {
        log.info({}, 'upload event for a photo uploaded with process=false: not processed');
        return;
      }
      const started = await this.deps.executions.start(image, `${image.id}-upload`, 'upload');
      if (started.kind === 'started') await this.announceStart(image, started.execution, false);
      else if (started.execution.name !== `${image.id}-upload`) {
        log.info(
          { execution_id: started.execution.id },
          'photo already processing: duplicate upload event dropped',
        );
        return;
      }
      executionId = started.execution.id;
    }
    await this.deps.engine.launch(executionId, signal, log.child({ execution_id: executionId }));
  }

  private async announceStart(image: ImageRecord, execution: ExecutionRecord, enqueue = true): Promise<void> {
    await this.deps.status.put({
      image_id: image.id,
      user_id: image.user_id,
      status: 'PROCESSING',
      execution_seq: execution.seq,
      execution_id: execution.id,
    });
    if (enqueue) {
      const ticket: JobTicket = {
        bucket: image.bucket,
        key: image.object_key,
        image_id: image.id,
        user_id: image.user_id,
        execution_id: execution.id,
      };
      await this.deps.queue.send(PROCESSING_QUEUE, ticket);
    }
    await this.deps.notifier
      .publish({
        user_id: image.user_id,
        message: {
          type: 'image_processing_progress',
          image_id: image.id,
          state: EXECUTION_STARTED,
          status: 'PROCESSING',
        },
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, image_id: image.id }, 'progress publish failed'),
      );
  }

  timeline(imageId: string): Promise<TimelineExecution[]> {
    return this.deps.executions.timeline(imageId);
  }

  /**
   * The safety net behind at-least-once delivery: re-sends tickets for work a crash could have left
   * without one (between a database commit and the queue send). A duplicate ticket is harmless: it
   * finds the execution finished, or busy, and is dropped.
   */
  async recoverStalled(idleMs: number): Promise<number> {
    const tickets = await this.deps.executions.findStalled(idleMs);
    for (const ticket of tickets) await this.deps.queue.send(PROCESSING_QUEUE, ticket);
    if (tickets.length)
      this.deps.logger.warn({ count: tickets.length }, 're-sent tickets for stalled photos');
    return tickets.length;
  }
}
