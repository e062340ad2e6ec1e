/**
 * The local engine: runs an execution in this worker with the durable runner, holding a short,
 * renewed lease so that a redelivered ticket never runs a live execution twice.
 */
import { ExecutionBusyError } from './errors.js';
import type { PipelineRunner } from './runner.js';
import type { ExecutionEngine, ExecutionRepository, Logger } from './ports/index.js';

export class LocalExecutionEngine implements ExecutionEngine {
  private readonly leaseMs: number;
  /** Executions this worker runs now: its own lease would let a duplicate ticket on another slot in. */
  private readonly running = new Set<string>();

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly runner: Pick<PipelineRunner, 'run'>,
    private readonly workerId: string,
    leaseMs?: number,
  ) {
    // Short, often renewed: a dead worker's lease lapses before the queue redelivers its ticket.
    this.leaseMs = leaseMs ?? 6_000;
  }

  async launch(executionId: string, signal: AbortSignal, log: Logger): Promise<void> {
    const { running } = this;
    if (running.has(executionId)) throw new ExecutionBusyError(executionId);
    running.add(executionId);
    try {
      await this.claimAndRun(executionId, signal, log);
    } finally {
      running.delete(executionId);
    }
  }

  private async claimAndRun(executionId: string, signal: AbortSignal, log: Logger): Promise<void> {
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
