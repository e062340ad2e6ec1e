/**
 * The local Step Functions: interprets a PipelineDefinition durably. Every attempt is recorded, and
 * each state's result is checkpointed with the next state in one write, so a worker that dies mid-run
 * resumes from the last completed state without repeating a completed external call (Inngest-style).
 */
import { ErrorNames, PipelineError, errorMessage, errorName } from './errors.js';
import type { PipelineDefinition, PipelineDocument, StateError, StepName, TaskState } from './pipeline.js';
import { STEP_NAMES, errorMatches, readPath, retryDelayMs, writePath } from './pipeline.js';
import type {
  Clock,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
  PreparedAttempt,
} from './ports/index.js';

export interface StepContext {
  signal: AbortSignal;
  executionId: string;
  state: string;
  attempt: number;
}

export type StepHandler = (document: PipelineDocument, context: StepContext) => Promise<unknown>;
export type StepRegistry = Record<StepName, StepHandler>;

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
  executionFinished?(execution: ExecutionRecord, status: 'SUCCEEDED' | 'FAILED', error?: StateError): void;
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

export class PipelineRunner {
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions) {
    assertDefinitionIsRunnable(options.definition, options.steps);
    this.options = options;
  }

  /** Runs (or resumes) an execution to its end. Resolves with the final status. */
  async run(executionId: string, signal: AbortSignal): Promise<ExecutionStatus> {
    const { store, definition } = this.options;
    const execution = await store.load(executionId);
    if (!execution) throw new PipelineError('Execution.NotFound', `execution ${executionId} does not exist`);
    if (execution.status !== 'RUNNING') return execution.status;
    await store.abandonRunningAttempts(executionId);

    let document = execution.document;
    let stateName = execution.current_state ?? definition.startAt;
    // The next state's first attempt, already recorded by the previous checkpoint.
    let prepared: PreparedAttempt | null = null;
    const recordsAttempts = (name: string) => ['Task', 'Pass'].includes(definition.states[name]?.type ?? '');
    for (;;) {
      signal.throwIfAborted();
      const state = definition.states[stateName];
      if (!state) throw new PipelineError('States.Runtime', `unknown state ${stateName}`);
      switch (state.type) {
        case 'Succeed':
          await store.finish(executionId, 'SUCCEEDED');
          this.options.observer?.executionFinished?.(execution, 'SUCCEEDED');
          return 'SUCCEEDED';
        case 'Fail': {
          const error = { Error: state.error, Cause: document.error?.Cause ?? state.cause };
          await store.finish(executionId, 'FAILED', error);
          this.options.observer?.executionFinished?.(execution, 'FAILED', error);
          return 'FAILED';
        }
        case 'Choice': {
          const match = state.choices.find((c) => readPath(document, c.variable) === c.stringEquals);
          stateName = match ? match.next : state.default;
          continue;
        }
        case 'Pass': {
          // Recorded like a task, so the timeline shows that the fallback path was taken.
          const { attemptId } = prepared ?? (await store.beginAttempt(executionId, stateName));
          document = writePath(document, state.resultPath, state.result);
          prepared = await store.checkpoint(executionId, {
            attemptId,
            output: state.result,
            nextState: state.next,
            document,
            beginNext: recordsAttempts(state.next),
          });
          stateName = state.next;
          continue;
        }
        case 'Task': {
          const outcome = await this.runTask(execution, stateName, state, document, signal, prepared);
          if (outcome.kind === 'uncaught') {
            await store.finish(executionId, 'FAILED', outcome.error);
            this.options.observer?.executionFinished?.(execution, 'FAILED', outcome.error);
            return 'FAILED';
          }
          const resultPath = outcome.kind === 'succeeded' ? state.resultPath : outcome.resultPath;
          const output = outcome.kind === 'succeeded' ? outcome.output : outcome.error;
          document = writePath(document, resultPath, output);
          prepared = await store.checkpoint(executionId, {
            attemptId: outcome.kind === 'succeeded' ? outcome.attemptId : null,
            output,
            nextState: outcome.next,
            document,
            beginNext: recordsAttempts(outcome.next),
          });
          stateName = outcome.next;
        }
      }
    }
  }

  private async runTask(
    execution: ExecutionRecord,
    stateName: string,
    state: TaskState,
    document: PipelineDocument,
    signal: AbortSignal,
    prepared: PreparedAttempt | null,
  ): Promise<
    | { kind: 'succeeded'; output: unknown; attemptId: string; next: string }
    | { kind: 'caught'; error: StateError; resultPath: string; next: string }
    | { kind: 'uncaught'; error: StateError }
  > {
    const { store, steps, clock, observer } = this.options;
    const retriesUsed = new Map<number, number>();
    let first = prepared;
    for (;;) {
      const { attemptId, attempt } = first ?? (await store.beginAttempt(execution.id, stateName));
      first = null;
      observer?.stateStarted?.(execution, stateName, attempt);
      const startedAt = clock.now().getTime();
      try {
        const output = await withTimeout(
          state.timeoutSeconds * 1000 * (this.options.timeoutScale ?? 1),
          signal,
          (stepSignal) =>
            steps[state.step](document, {
              signal: stepSignal,
              executionId: execution.id,
              state: stateName,
              attempt,
            }),
        );
        observer?.stateSucceeded?.(execution, stateName, attempt, clock.now().getTime() - startedAt);
        return { kind: 'succeeded', output: output ?? null, attemptId, next: state.next };
      } catch (thrown) {
        // A shutdown is not the step's failure: leave the attempt RUNNING so the next worker resumes it.
        if (signal.aborted) throw thrown;
        const error: StateError = { Error: errorName(thrown), Cause: errorMessage(thrown) };
        const ruleIndex = state.retry.findIndex((r) => errorMatches(r.errorEquals, error.Error));
        const rule = state.retry[ruleIndex];
        const used = retriesUsed.get(ruleIndex) ?? 0;
        const willRetry = rule !== undefined && used < rule.maxAttempts;
        await store.failAttempt(attemptId, error, willRetry);
        observer?.stateFailed?.(execution, stateName, attempt, error, willRetry);
        if (rule && willRetry) {
          retriesUsed.set(ruleIndex, used + 1);
          const delay =
            retryDelayMs(rule, used + 1, this.options.random) * (this.options.retryDelayScale ?? 1);
          await clock.sleep(delay, signal);
          continue;
        }
        const handler = state.catch.find((c) => errorMatches(c.errorEquals, error.Error));
        if (handler) return { kind: 'caught', error, resultPath: handler.resultPath, next: handler.next };
        return { kind: 'uncaught', error };
      }
    }
  }
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
