/**
 * The execution timeline on AWS, written the way the local runner writes it: a wrapper around the step
 * handler records every attempt, checkpoints the document, announces progress, and closes the execution
 * row when the state machine is about to end — so `GET /images/{id}/executions` reads the same in both
 * runtimes. What each outcome means is the core's (`transitions.ts`), not decided again here.
 */
import type { PipelineDefinition, PipelineDocument, StateError, TaskState } from '../../core/pipeline.js';
import { readPath, writePath } from '../../core/pipeline.js';
import type { ExecutionStore, Logger, Notifier } from '../../core/ports/index.js';
import { type StateOutcome, publishProgress } from '../../core/progress.js';
import { retryOracle } from '../../core/runner.js';
import {
  onTaskFailure,
  onTaskSuccess,
  passStatesInto,
  settle,
  toStateError,
} from '../../core/transitions.js';

export interface TimelineDependencies {
  definition: PipelineDefinition;
  store: ExecutionStore;
  notifier: Notifier;
  logger: Logger;
}

/**
 * A Lambda error caught by Step Functions arrives as `{Error: errorType, Cause: "{\"errorType\":…,
 * \"errorMessage\":…,\"trace\":[…]}"}`; the core (and the local runner) keep the message as the cause.
 */
export function normaliseCaughtErrors(
  definition: PipelineDefinition,
  document: PipelineDocument,
): PipelineDocument {
  const paths = new Set(
    Object.values(definition.states).flatMap((s) =>
      s.type === 'Task' ? s.catch.map((c) => c.resultPath) : [],
    ),
  );
  let result = document;
  for (const path of paths) {
    const value = readPath(result, path) as Partial<StateError> | undefined;
    if (!value || typeof value.Cause !== 'string' || !value.Cause.startsWith('{')) continue;
    try {
      const cause = JSON.parse(value.Cause) as { errorMessage?: unknown };
      if (typeof cause.errorMessage === 'string')
        result = writePath(result, path, { ...value, Cause: cause.errorMessage });
    } catch {
      // Not a Lambda error envelope: keep the cause as Step Functions gave it.
    }
  }
  return result;
}

/** Pass states Step Functions ran on its own before `stateName`: recorded once, as the runner records them. */
async function recordPassedStates(
  deps: TimelineDependencies,
  executionId: string,
  stateName: string,
  document: PipelineDocument,
) {
  for (const { name, state } of passStatesInto(deps.definition, stateName, document)) {
    if (await deps.store.hasAttempt(executionId, name)) continue;
    const { attemptId } = await deps.store.beginAttempt(executionId, name);
    await deps.store.checkpoint(executionId, {
      attemptId,
      output: state.result,
      nextState: state.next,
      document,
    });
  }
}

/**
 * Wraps one Task attempt the state machine runs: the attempt recorded, its outcome decided by the core's
 * transitions (retry / catch / fail, from the recorded attempts), the document checkpointed, progress
 * announced, and the execution closed when the machine is about to end.
 */
export async function recordAttempt<T>(
  deps: TimelineDependencies,
  input: { stateName: string; state: TaskState; document: PipelineDocument },
  run: (attempt: number, willRetry: (errorName: string) => Promise<boolean>) => Promise<T>,
): Promise<T> {
  const { store, notifier, definition } = deps;
  const { stateName, state, document } = input;
  const executionId = document.execution_id;
  const log = deps.logger.child({ image_id: document.image_id, execution_id: executionId, state: stateName });
  const progress = (status: StateOutcome) => publishProgress(notifier, log, document, stateName, status);

  await recordPassedStates(deps, executionId, stateName, document);
  const { attemptId, attempt } = await store.beginAttempt(executionId, stateName);
  const budget = retryOracle(store, executionId, stateName, state, attemptId);
  log.info({ attempt }, 'state started');
  const started = Date.now();
  let output: T;
  try {
    output = await run(attempt, budget.willRetry);
  } catch (thrown) {
    const error = toStateError(thrown);
    const outcome = onTaskFailure(state, document, error, await budget.previousFailures());
    const retry = outcome.kind === 'retry';
    await store.failAttempt(attemptId, error, retry);
    log.warn({ attempt, error: error.Error, cause: error.Cause, will_retry: retry }, 'state failed');
    await progress(retry ? 'RETRYING' : 'FAILED');
    if (outcome.kind === 'catch') {
      await store.checkpoint(executionId, {
        attemptId: null,
        output: error,
        nextState: outcome.next,
        document: outcome.document,
      });
    } else if (outcome.kind === 'fail') {
      await store.finish(executionId, 'FAILED', error);
      log.info({ status: 'FAILED', error: error.Error }, 'execution finished');
    }
    throw thrown;
  }
  const success = onTaskSuccess(state, document, output);
  await store.checkpoint(executionId, {
    attemptId,
    output,
    nextState: success.next,
    document: success.document,
  });
  log.info({ attempt, ms: Date.now() - started }, 'state succeeded');
  // Notify's own success is announced by the completion message itself.
  await progress('SUCCEEDED');
  const after = settle(definition, success.next, success.document);
  if (after.kind === 'end') {
    await store.finish(executionId, after.status, after.status === 'FAILED' ? after.error : undefined);
    log.info({ status: after.status }, 'execution finished');
  }
  return output;
}
