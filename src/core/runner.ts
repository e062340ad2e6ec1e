/**
 * The local Step Functions: interprets a PipelineDefinition durably. Every attempt is recorded, and
 * each state's result is checkpointed with the next state in one write, so a worker that dies mid-run
 * resumes from the last completed state without repeating a completed external call (Inngest-style).
 * What each state means (retry, catch, Choice, Pass, the end) is decided by `transitions.ts`, which the
 * AWS Lambda wrapper calls too.
 */
import type { ExecutionStatus, FinalStatus } from './domain.js';
import { ErrorNames, PipelineError } from './errors.js';
import type { PipelineDefinition, PipelineDocument, StateError, StepName, TaskState } from './pipeline.js';
import { STEP_NAMES, retryDelayMs } from './pipeline.js';
import type { Clock, ExecutionRecord, ExecutionStore, PreparedAttempt } from './ports/index.js';
import type { StepOutputs } from './step-outputs.js';
import {
  type Settled,
  applyPass,
  onTaskFailure,
  onTaskSuccess,
  settle,
  toStateError,
  wouldRetry,
} from './transitions.js';

export interface StepContext {
  signal: AbortSignal;
  executionId: string;
  state: string;
  attempt: number;
  /** Whether a failure of this attempt named `errorName` would be retried (counted from the timeline). */
  willRetry(errorName: string): Promise<boolean>;
}

export type StepHandler<S extends StepName = StepName> = (
  document: PipelineDocument,
  context: StepContext,
) => Promise<StepOutputs[S]>;
export type StepRegistry = { [S in StepName]: StepHandler<S> };

/**
 * The attempt's view of its own retry budget, read from the recorded failures on first use only
 * (the healthy path never pays the query).
 */
export function retryOracle(
  store: Pick<ExecutionStore, 'failedAttemptErrors'>,
  executionId: string,
  stateName: string,
  state: TaskState,
  attemptId: string,
): { previousFailures(): Promise<string[]>; willRetry(errorName: string): Promise<boolean> } {
  let failures: Promise<string[]> | undefined;
  const previousFailures = () => (failures ??= store.failedAttemptErrors(executionId, stateName, attemptId));
  return {
    previousFailures,
    willRetry: async (errorName) => wouldRetry(state, errorName, await previousFailures()),
  };
}

export interface RunnerObserver {
  stateStarted?(execution: ExecutionRecord, state: string, attempt: number): void;
  stateSucceeded?(execution: ExecutionRecord, state: string, attempt: number, durationMs: number): void;
  stateFailed?(
    execution: ExecutionRecord,
    state: string,
    attempt: number,
    error: StateError,
    willRetry: boolean,
  ): void;
  executionFinished?(execution: ExecutionRecord, status: FinalStatus, error?: StateError): void;
}

export interface RunnerOptions {
  definition: PipelineDefinition;
  steps: StepRegistry;
  store: ExecutionStore;
  clock: Clock;
  observer?: RunnerObserver;
  /** Multiplies retry delays; 1 in production, smaller in tests and benchmarks. */
  retryDelayScale?: number;
  /** Multiplies state timeouts; 1 in production, smaller in tests. */
  timeoutScale?: number;
  random?: () => number;
}

type TaskOutcome =
  | { kind: 'succeeded'; attemptId: string; output: unknown; document: PipelineDocument; next: string }
  | { kind: 'caught'; error: StateError; document: PipelineDocument; next: string }
  | { kind: 'failed'; error: StateError };

export class PipelineRunner {
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions) {
    assertDefinitionIsRunnable(options.definition, options.steps);
    this.options = options;
  }

  /** Runs (or resumes) an execution to its end. Resolves with the final status. */
  async run(executionId: string, signal: AbortSignal): Promise<ExecutionStatus> {
    const { store, definition, observer } = this.options;
    const execution = await store.load(executionId);
    if (!execution)
      throw new PipelineError(ErrorNames.ExecutionNotFound, `execution ${executionId} does not exist`);
    if (execution.status !== 'RUNNING') return execution.status;
    await store.abandonRunningAttempts(executionId);

    let document = execution.document;
    let at: Settled = settle(definition, execution.current_state ?? definition.startAt, document);
    // The next state's first attempt, already recorded by the previous checkpoint.
    let prepared: PreparedAttempt | null = null;
    for (;;) {
      signal.throwIfAborted();
      if (at.kind === 'end') {
        const error = at.status === 'FAILED' ? at.error : undefined;
        await store.finish(executionId, at.status, error);
        observer?.executionFinished?.(execution, at.status, error);
        return at.status;
      }
      let attemptId: string | null;
      let output: unknown;
      let next: string;
      if (at.kind === 'pass') {
        attemptId = (prepared ?? (await store.beginAttempt(executionId, at.name))).attemptId;
        document = applyPass(at.state, document);
        output = at.state.result;
        next = at.state.next;
      } else {
        const outcome = await this.runTask(execution, at.name, at.state, document, signal, prepared);
        if (outcome.kind === 'failed') {
          at = { kind: 'end', status: 'FAILED', error: outcome.error };
          continue;
        }
        ({ document, next } = outcome);
        attemptId = outcome.kind === 'succeeded' ? outcome.attemptId : null;
        output = outcome.kind === 'succeeded' ? outcome.output : outcome.error;
      }
      let after = settle(definition, next, document);
      // A pure state next (no I/O, deterministic) runs now and lands in this same checkpoint: rerunning
      // it after a crash costs nothing, so it needs no write of its own.
      const folded = after.kind === 'task' && after.state.pure ? await this.runPure(after, document) : null;
      if (folded) {
        document = folded.document;
        after = settle(definition, folded.next, document);
      }
      const written = await store.checkpoint(executionId, {
        attemptId,
        output,
        // A Choice is pure: the checkpoint names the state it leads to, and records its first attempt.
        nextState: after.kind === 'end' ? (folded?.next ?? next) : after.name,
        document,
        beginNext: after.kind !== 'end',
        // The last state's checkpoint also ends the execution: one write fewer per photo.
        finish: after.kind === 'end' ? endOf(after) : undefined,
        folded: folded ? { state: folded.name, output: folded.output } : undefined,
      });
      prepared = written.next;
      if (folded) {
        const attempt = written.folded?.attempt ?? 1;
        observer?.stateStarted?.(execution, folded.name, attempt);
        observer?.stateSucceeded?.(execution, folded.name, attempt, folded.ms);
      }
      if (after.kind === 'end') {
        observer?.executionFinished?.(execution, after.status, endOf(after).error);
        return after.status;
      }
      at = after;
    }
  }

  /** Runs a pure state in memory; null when it fails (it then runs as usual, with its retry and catch). */
  private async runPure(
    at: { name: string; state: TaskState },
    document: PipelineDocument,
  ): Promise<{ name: string; output: unknown; document: PipelineDocument; next: string; ms: number } | null> {
    const startedAt = this.options.clock.now().getTime();
    try {
      // A pure step reads neither its attempt number nor its retry budget, nor waits on anything.
      const output = await invokeStep(this.options.steps, at.state.step, document, {
        signal: new AbortController().signal,
        executionId: '',
        state: at.name,
        attempt: 1,
        willRetry: async () => false,
      });
      const ms = this.options.clock.now().getTime() - startedAt;
      return { name: at.name, output: output ?? null, ms, ...onTaskSuccess(at.state, document, output) };
    } catch {
      return null;
    }
  }

  private async runTask(
    execution: ExecutionRecord,
    stateName: string,
    state: TaskState,
    document: PipelineDocument,
    signal: AbortSignal,
    prepared: PreparedAttempt | null,
  ): Promise<TaskOutcome> {
    const { store, steps, clock, observer } = this.options;
    let first = prepared;
    for (;;) {
      const { attemptId, attempt } = first ?? (await store.beginAttempt(execution.id, stateName));
      first = null;
      const budget = retryOracle(store, execution.id, stateName, state, attemptId);
      observer?.stateStarted?.(execution, stateName, attempt);
      const startedAt = clock.now().getTime();
      try {
        const timeoutMs = state.timeoutSeconds * 1000 * (this.options.timeoutScale ?? 1);
        const output = await withTimeout(timeoutMs, signal, (stepSignal) =>
          invokeStep(steps, state.step, document, {
            signal: stepSignal,
            executionId: execution.id,
            state: stateName,
            attempt,
            willRetry: budget.willRetry,
          }),
        );
        observer?.stateSucceeded?.(execution, stateName, attempt, clock.now().getTime() - startedAt);
        return {
          kind: 'succeeded',
          attemptId,
          output: output ?? null,
          ...onTaskSuccess(state, document, output),
        };
      } catch (thrown) {
        // A shutdown is not the step's failure: leave the attempt RUNNING so the next worker resumes it.
        if (signal.aborted) throw thrown;
        const error = toStateError(thrown);
        const outcome = onTaskFailure(state, document, error, await budget.previousFailures());
        await store.failAttempt(attemptId, error, outcome.kind === 'retry');
        observer?.stateFailed?.(execution, stateName, attempt, error, outcome.kind === 'retry');
        if (outcome.kind === 'retry') {
          const delay = retryDelayMs(outcome.rule, outcome.retryNumber, this.options.random);
          await clock.sleep(delay * (this.options.retryDelayScale ?? 1), signal);
          continue;
        }
        if (outcome.kind === 'catch')
          return { kind: 'caught', error, document: outcome.document, next: outcome.next };
        return { kind: 'failed', error: outcome.error };
      }
    }
  }
}

const endOf = (end: Extract<Settled, { kind: 'end' }>) =>
  end.status === 'FAILED' ? { status: end.status, error: end.error } : { status: end.status };

/** Calls the step a state names (one call site for every runtime, typed by the step outputs). */
export function invokeStep(
  steps: StepRegistry,
  step: StepName,
  document: PipelineDocument,
  context: StepContext,
): Promise<StepOutputs[StepName]> {
  const handler: StepHandler = steps[step];
  return handler(document, context);
}

/** Like Immich's job registry: refuse to start when a state names a step nobody handles. */
export function assertDefinitionIsRunnable(
  definition: PipelineDefinition,
  steps: Partial<StepRegistry>,
): void {
  const problems: string[] = [];
  if (!definition.states[definition.startAt]) problems.push(`startAt ${definition.startAt} is not a state`);
  for (const [name, state] of Object.entries(definition.states)) {
    const targets: string[] = [];
    if (state.type === 'Task') {
      if (!STEP_NAMES.includes(state.step) || typeof steps[state.step] !== 'function') {
        problems.push(`state ${name} uses step ${state.step}, which has no handler`);
      }
      targets.push(state.next, ...state.catch.map((c) => c.next));
    } else if (state.type === 'Pass') targets.push(state.next);
    else if (state.type === 'Choice') targets.push(state.default, ...state.choices.map((c) => c.next));
    for (const target of targets)
      if (!definition.states[target]) problems.push(`state ${name} goes to unknown ${target}`);
  }
  if (problems.length) throw new Error(`pipeline definition is not runnable:\n- ${problems.join('\n- ')}`);
}

/** Runs `task` under a state's timeout (States.Timeout), aborting it also when `outer` aborts. */
export async function withTimeout<T>(
  ms: number,
  outer: AbortSignal,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PipelineError(
        ErrorNames.Timeout,
        `state timed out after ${(ms / 1000).toFixed(1)} s`,
      );
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([task(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuterAbort);
  }
}
