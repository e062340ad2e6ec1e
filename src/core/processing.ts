/**
 * ProcessingService: the seed's StartJob and its worker. Starting an execution is idempotent per
 * trigger (an execution name, like Step Functions'), at most one execution per photo is active, and a
 * lease makes sure a redelivered ticket never runs a live execution twice.
 */
import type { JobTicket } from './domain.js';
import { AppError, PipelineError } from './errors.js';
import type { ImageRecord, ImageRepository } from './images.js';
import type { Logger } from './logger.js';
import type { JobQueue, Notifier, StatusStore } from './ports.js';
import type { ExecutionRecord, ExecutionStore, PipelineRunner } from './runner.js';

export const PROCESSING_QUEUE = 'image-processing';

export interface TimelineState {
  state: string;
  attempt: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  cause: string | null;
  will_retry: boolean;
  worker_id: string | null;
}

export interface TimelineExecution {
  execution_id: string;
  name: string;
  seq: number;
  trigger: string;
  status: ExecutionRecord['status'];
  started_at: string;
  ended_at: string | null;
  error: string | null;
  cause: string | null;
  states: TimelineState[];
}

export type StartResult =
  { kind: 'started'; execution: ExecutionRecord } | { kind: 'existing'; execution: ExecutionRecord };

export interface ExecutionRepository extends ExecutionStore {
  /**
   * One transaction: create the execution named `name` (unless it exists), set the photo PROCESSING
   * and clear its previous outputs. When another execution of the photo is active, return that one.
   */
  start(image: ImageRecord, name: string, trigger: string): Promise<StartResult>;
  nextName(imageId: string): Promise<string>;
  /** 'claimed' when this worker may run it now; 'busy' while another live worker holds the lease. */
  claim(executionId: string, workerId: string, leaseMs: number): Promise<'claimed' | 'busy' | 'finished'>;
  renew(executionId: string, workerId: string, leaseMs: number): Promise<void>;
  release(executionId: string, workerId: string): Promise<void>;
  timeline(imageId: string): Promise<TimelineExecution[]>;
  /**
   * Work that a crash could have orphaned: RUNNING executions nobody has held for `idleMs`, and photos
   * uploaded for auto-processing that never got an execution. Their tickets are sent again.
   */
  findStalled(idleMs: number): Promise<JobTicket[]>;
}

export interface ProcessingDependencies {
  images: ImageRepository;
  executions: ExecutionRepository;
  queue: JobQueue;
  status: StatusStore;
  notifier: Notifier;
  engine: ExecutionEngine;
  logger: Logger;
}

/**
 * Where an execution runs: the local runner in this worker, or an orchestrator it is handed to
 * (AWS Step Functions, started by name so a duplicate ticket cannot start it twice).
 */
export interface ExecutionEngine {
  launch(executionId: string, signal: AbortSignal, log: Logger): Promise<void>;
}

/** The local engine: claim the execution's lease, run it with the durable runner, renew while running. */
export class LocalExecutionEngine implements ExecutionEngine {
  private readonly leaseMs: number;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly runner: PipelineRunner,
    private readonly workerId: string,
    leaseMs?: number,
  ) {
    // Short, often renewed: a dead worker's lease lapses before the queue redelivers its ticket.
    this.leaseMs = leaseMs ?? 6_000;
  }

  async launch(executionId: string, signal: AbortSignal, log: Logger): Promise<void> {
    const { executions, workerId, runner } = this;
    const claim = await executions.claim(executionId, workerId, this.leaseMs);
    if (claim === 'finished') {
      log.info({}, 'execution already finished: duplicate ticket dropped');
      return;
    }
    // Busy: ask the queue to redeliver later; if the holder died, its lease will have lapsed by then.
    if (claim === 'busy') throw new ExecutionBusyError(executionId);
    const renewal = setInterval(() => {
      executions.renew(executionId, workerId, this.leaseMs).catch((error: unknown) => {
        log.warn({ err: error }, 'lease renewal failed');
      });
    }, this.leaseMs / 3);
    try {
      // Finishing clears the lease with the final status, so only an interrupted run releases it.
      const status = await runner.run(executionId, signal);
      log.info({ status }, 'execution finished');
    } catch (error) {
      await executions.release(executionId, workerId).catch(() => undefined);
      // The photo was deleted while it ran (its execution went with it): nothing left to do.
      if (!signal.aborted && !(await executions.load(executionId))) {
        log.info({}, 'execution removed with its photo while running: stopped');
        return;
      }
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }
}

export class ExecutionBusyError extends PipelineError {
  constructor(executionId: string) {
    super('Execution.Busy', `execution ${executionId} is being run by another worker`);
  }
}

export class ProcessingService {
  constructor(private readonly deps: ProcessingDependencies) {}

  /** `POST /images/{id}/process`: status PROCESSING, outputs cleared, execution started and queued. */
  async requestProcessing(userId: string, imageId: string): Promise<ExecutionRecord> {
    const image = await this.deps.images.get(imageId, userId);
    if (!image) throw new AppError(404, 'not_found', 'image not found');
    const name = await this.deps.executions.nextName(imageId);
    const started = await this.deps.executions.start(image, name, 'api');
    if (started.kind === 'started') await this.announceStart(image, started.execution);
    return started.execution;
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
          state: 'ExecutionStarted',
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
