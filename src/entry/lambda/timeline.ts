/**
 * The execution timeline on AWS, written the way the local runner writes it: a wrapper around the step
 * handler records every attempt in `state_attempts` (with Step Functions' own retry arithmetic deciding
 * `will_retry`), checkpoints the document, announces progress, and closes the execution row when the
 * state machine is about to end — so `GET /images/{id}/executions` reads the same in both runtimes.
 */
import { errorMessage, errorName } from '../../core/errors.js';
import type { Logger } from '../../core/ports/index.js';
import {
  type PipelineDefinition,
  type PipelineDocument,
  type StateError,
  type TaskState,
  errorMatches,
  readPath,
  writePath,
} from '../../core/pipeline.js';
import type { Notifier } from '../../core/ports/index.js';
import { type StateOutcome, publishProgress } from '../../core/progress.js';
import type { ExecutionStore } from '../../core/ports/index.js';
import type { Db } from '../../adapters/postgres/db.js';

export interface TimelineDependencies {
  definition: PipelineDefinition;
  store: ExecutionStore;
  db: Db;
  notifier: Notifier;
  logger: Logger;
}

const isDeepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

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

/** Where the machine goes after `from` without running another task: a terminal outcome, or null. */
export function settle(
  definition: PipelineDefinition,
  from: string,
  document: PipelineDocument,
): { status: 'SUCCEEDED' } | { status: 'FAILED'; error: StateError } | null {
  let name = from;
  for (let hops = 0; hops < 100; hops++) {
    const state = definition.states[name];
    if (!state) return null;
    if (state.type === 'Succeed') return { status: 'SUCCEEDED' };
    if (state.type === 'Fail')
      return { status: 'FAILED', error: { Error: state.error, Cause: document.error?.Cause ?? state.cause } };
    if (state.type !== 'Choice') return null;
    const match = state.choices.find((c) => readPath(document, c.variable) === c.stringEquals);
    name = match ? match.next : state.default;
  }
  return null;
}

async function attemptCount(db: Db, executionId: string, state: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT COUNT(*)::int AS n FROM state_attempts WHERE execution_id = $1 AND state = $2',
    [executionId, state],
  );
  return rows[0]?.n ?? 0;
}

async function failedErrors(db: Db, executionId: string, state: string, exceptId: string): Promise<string[]> {
  const { rows } = await db.query<{ error: string | null }>(
    `SELECT error FROM state_attempts WHERE execution_id = $1 AND state = $2 AND status = 'FAILED' AND id <> $3 ORDER BY id`,
    [executionId, state, exceptId],
  );
  return rows.map((r) => r.error ?? 'Error');
}

/** Step Functions' rule: the first retrier whose ErrorEquals matches, until its MaxAttempts are spent. */
export function willRetry(state: TaskState, error: string, previousErrors: string[]): boolean {
  const ruleOf = (name: string) => state.retry.findIndex((r) => errorMatches(r.errorEquals, name));
  const index = ruleOf(error);
  const rule = state.retry[index];
  if (!rule) return false;
  const used = previousErrors.filter((e) => ruleOf(e) === index).length;
  return used < rule.maxAttempts;
}

/** Pass states that led into `stateName` (their result is in the document): recorded once, like the runner does. */
async function recordPassedStates(
  deps: TimelineDependencies,
  executionId: string,
  stateName: string,
  document: PipelineDocument,
) {
  for (const [name, state] of Object.entries(deps.definition.states)) {
    if (state.type !== 'Pass' || state.next !== stateName) continue;
    if (!isDeepEqual(readPath(document, state.resultPath), state.result)) continue;
    if ((await attemptCount(deps.db, executionId, name)) > 0) continue;
    const { attemptId } = await deps.store.beginAttempt(executionId, name);
    await deps.store.checkpoint(executionId, {
      attemptId,
      output: state.result,
      nextState: state.next,
      document,
    });
  }
}

export async function recordAttempt<T>(
  deps: TimelineDependencies,
  input: { stateName: string; state: TaskState; document: PipelineDocument },
  run: (attempt: number) => Promise<T>,
): Promise<T> {
  const { store, notifier, definition } = deps;
  const { stateName, state, document } = input;
  const executionId = document.execution_id;
  const log = deps.logger.child({ image_id: document.image_id, execution_id: executionId, state: stateName });
  const progress = (status: StateOutcome) => publishProgress(notifier, log, document, stateName, status);

  await recordPassedStates(deps, executionId, stateName, document);
  const { attemptId, attempt } = await store.beginAttempt(executionId, stateName);
  log.info({ attempt }, 'state started');
  const started = Date.now();
  let output: T;
  try {
    output = await run(attempt);
  } catch (thrown) {
    const error: StateError = { Error: errorName(thrown), Cause: errorMessage(thrown) };
    const retry = willRetry(
      state,
      error.Error,
      await failedErrors(deps.db, executionId, stateName, attemptId),
    );
    await store.failAttempt(attemptId, error, retry);
    log.warn({ attempt, error: error.Error, cause: error.Cause, will_retry: retry }, 'state failed');
    await progress(retry ? 'RETRYING' : 'FAILED');
    if (!retry) {
      const handler = state.catch.find((c) => errorMatches(c.errorEquals, error.Error));
      if (handler) {
        await store.checkpoint(executionId, {
          attemptId: null,
          output: error,
          nextState: handler.next,
          document: writePath(document, handler.resultPath, error),
        });
      } else {
        await store.finish(executionId, 'FAILED', error);
        log.info({ status: 'FAILED', error: error.Error }, 'execution finished');
      }
    }
    throw thrown;
  }
  const next = writePath(document, state.resultPath, output);
  await store.checkpoint(executionId, { attemptId, output, nextState: state.next, document: next });
  log.info({ attempt, ms: Date.now() - started }, 'state succeeded');
  // Notify's own success is announced by the completion message itself.
  await progress('SUCCEEDED');
  const outcome = settle(definition, state.next, next);
  if (outcome) {
    await store.finish(executionId, outcome.status, outcome.status === 'FAILED' ? outcome.error : undefined);
    log.info({ status: outcome.status }, 'execution finished');
  }
  return output;
}
