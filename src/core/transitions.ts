/**
 * The pipeline's semantics, once, as pure functions: where the machine goes without running a task
 * (Choice, Pass, Succeed, Fail), what a task's success writes, and what a failure leads to (retry,
 * catch, or the end). The local runner and the AWS Lambda wrapper both call exactly these, and both
 * count retries from the attempts recorded in the execution's timeline, so a resumed run and a Step
 * Functions run spend the same retry budget.
 */
import { ErrorNames, errorMessage, errorName } from './errors.js';
import type {
  PassState,
  PipelineDefinition,
  PipelineDocument,
  RetryRule,
  StateError,
  TaskState,
} from './pipeline.js';
import { errorMatches, readPath, writePath } from './pipeline.js';

/** Where the machine stands after following every Choice: a state to run, or the execution's end. */
export type Settled =
  | { kind: 'task'; name: string; state: TaskState }
  | { kind: 'pass'; name: string; state: PassState }
  | { kind: 'end'; status: 'SUCCEEDED' }
  | { kind: 'end'; status: 'FAILED'; error: StateError };

/** What a task's failure leads to. */
export type FailureOutcome =
  | { kind: 'retry'; rule: RetryRule; retryNumber: number }
  | { kind: 'catch'; next: string; document: PipelineDocument }
  | { kind: 'fail'; error: StateError };

/** A definition's states form no cycle of Choices (checked at boot), so this walk always ends. */
export function settle(definition: PipelineDefinition, from: string, document: PipelineDocument): Settled {
  let name = from;
  for (let hops = 0; hops <= Object.keys(definition.states).length; hops++) {
    const state = definition.states[name];
    if (!state) throw new Error(`the pipeline has no state named ${name}`);
    switch (state.type) {
      case 'Task':
        return { kind: 'task', name, state };
      case 'Pass':
        return { kind: 'pass', name, state };
      case 'Succeed':
        return { kind: 'end', status: 'SUCCEEDED' };
      case 'Fail':
        return {
          kind: 'end',
          status: 'FAILED',
          error: { Error: state.error, Cause: document.error?.Cause ?? state.cause },
        };
      case 'Choice': {
        const match = state.choices.find((c) => readPath(document, c.variable) === c.stringEquals);
        name = match ? match.next : state.default;
      }
    }
  }
  throw new Error(`the pipeline's Choice states loop from ${from}`);
}

/** A Pass state writes its fixed result (the timeline records it like a task, so the path shows). */
export function applyPass(state: PassState, document: PipelineDocument): PipelineDocument {
  return writePath(document, state.resultPath, state.result);
}

/** A task's result lands at its ResultPath; the machine moves on to its Next. */
export function onTaskSuccess(
  state: TaskState,
  document: PipelineDocument,
  output: unknown,
): { document: PipelineDocument; next: string } {
  return { document: writePath(document, state.resultPath, output ?? null), next: state.next };
}

/**
 * Step Functions' rule: the first retrier whose ErrorEquals matches, until its MaxAttempts are spent
 * (counted over the state's earlier failures matched by the same retrier).
 */
export function retryFor(
  state: TaskState,
  errorName: string,
  previousFailures: readonly string[],
): { rule: RetryRule; retryNumber: number } | null {
  const ruleIndexOf = (name: string) => state.retry.findIndex((r) => errorMatches(r.errorEquals, name));
  const index = ruleIndexOf(errorName);
  const rule = state.retry[index];
  if (!rule) return null;
  const used = previousFailures.filter((name) => ruleIndexOf(name) === index).length;
  return used < rule.maxAttempts ? { rule, retryNumber: used + 1 } : null;
}

/** A failure is retried while a retrier allows; then the first matching catcher; else the execution fails. */
export function onTaskFailure(
  state: TaskState,
  document: PipelineDocument,
  error: StateError,
  previousFailures: readonly string[],
): FailureOutcome {
  const retry = retryFor(state, error.Error, previousFailures);
  if (retry) return { kind: 'retry', ...retry };
  const handler = state.catch.find((c) => errorMatches(c.errorEquals, error.Error));
  if (handler)
    return { kind: 'catch', next: handler.next, document: writePath(document, handler.resultPath, error) };
  return { kind: 'fail', error };
}

/** Whether a failure named `errorName` in the attempt now running would be retried (fallback chains ask). */
export function wouldRetry(
  state: TaskState,
  errorName: string,
  previousFailures: readonly string[],
): boolean {
  return retryFor(state, errorName, previousFailures) !== null;
}

/**
 * The Pass states whose result is already in the document and that lead straight into `stateName`:
 * Step Functions runs them itself, so the Lambda wrapper records them when the next task begins.
 */
export function passStatesInto(
  definition: PipelineDefinition,
  stateName: string,
  document: PipelineDocument,
): { name: string; state: PassState }[] {
  return Object.entries(definition.states).flatMap(([name, state]) =>
    state.type === 'Pass' &&
    state.next === stateName &&
    JSON.stringify(readPath(document, state.resultPath)) === JSON.stringify(state.result)
      ? [{ name, state }]
      : [],
  );
}

/** A thrown value as the error shape Step Functions gives a caught error. */
export const toStateError = (thrown: unknown): StateError => ({
  Error: errorName(thrown),
  Cause: errorMessage(thrown),
});

/** Attempts a dead worker left RUNNING are closed with this error (it matches `States.ALL` retriers). */
export const WORKER_LOST: StateError = {
  Error: ErrorNames.WorkerLost,
  Cause: 'the worker running this attempt stopped before it finished',
};
