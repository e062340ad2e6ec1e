/**
 * Closing an execution the orchestrator ended on its own (Step Functions' timeout, an abort, an error in
 * a state without a Catch): the `executions` row FAILED with the service's error, the photo FAILED with
 * that reason (only while this execution is still the photo's current one), the status store and the
 * seed's completion message — the same writes as the MarkFailed and Notify steps.
 *
 * Idempotent: serialised per execution, and nothing is done unless the execution is still RUNNING (or
 * FAILED with its photo still PROCESSING, when MarkFailed itself failed). An execution the pipeline
 * finished (including through MarkFailed → Notify → Failed) is left alone.
 */
import type { StateError } from './pipeline.js';
import type {
  ExecutionRepository,
  ImageRepository,
  Logger,
  Notifier,
  ResultsRepository,
  StatusStore,
} from './ports/index.js';
import { announceOutcome } from './steps.js';

export type Reconciliation = 'reconciled' | 'already finished' | 'unknown execution' | 'ignored';

export interface ReconciliationDependencies {
  executions: ExecutionRepository;
  images: ImageRepository & ResultsRepository;
  status: StatusStore;
  notifier: Notifier;
  logger: Logger;
}

export async function closeEndedExecution(
  deps: ReconciliationDependencies,
  executionId: string,
  error: StateError,
): Promise<Reconciliation> {
  const { executions, images, logger } = deps;
  return executions.exclusively(executionId, async () => {
    const execution = await executions.load(executionId);
    const image = execution && (await images.getById(execution.image_id));
    const imageOpen = image?.status === 'PROCESSING' && image.current_execution_id === executionId;
    if (!execution || !(execution.status === 'RUNNING' || (execution.status === 'FAILED' && imageOpen))) {
      logger.info({ recorded: execution?.status }, 'execution already finished: nothing to reconcile');
      return 'already finished';
    }
    // MarkFailed's write: only while this execution is still the photo's current one.
    const marked = await images.markFailed({
      image_id: execution.image_id,
      execution_id: executionId,
      error: error.Error,
      cause: error.Cause,
    });
    if (marked) {
      // Notify's writes: the status scoreboard, then the completion message.
      await announceOutcome(
        deps,
        {
          image_id: execution.image_id,
          user_id: execution.user_id,
          execution_seq: execution.seq,
          execution_id: executionId,
        },
        'FAILED',
      );
    }
    // Closed last, so a delivery that fails half-way is redone in full by the retry.
    if (execution.status === 'RUNNING') {
      await executions.abandonRunningAttempts(executionId);
      await executions.finish(executionId, 'FAILED', error);
    }
    logger.info(
      { image_id: execution.image_id, error: error.Error, image_marked: marked },
      'execution reconciled',
    );
    return 'reconciled';
  });
}
