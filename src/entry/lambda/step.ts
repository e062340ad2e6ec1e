/**
 * The pipeline's Task states on Lambda: one handler, dispatched by the state name the state machine
 * sends (`{"state": "DetectLabels", "document": {...}}`), running the core's `createSteps(deps)[step]`
 * with the configured providers. The stack deploys it as one function per state (each with only the
 * permissions its step needs); `PHAROS_STATES` names the states a function accepts.
 *
 * Errors are rethrown as they are: Lambda reports a thrown error's `name` as its `errorType`, which
 * Step Functions uses as the error name, so `Provider.Transient` matches the same Retry as locally.
 */
import type { Context } from 'aws-lambda';
import { ErrorNames, PipelineError } from '../../core/errors.js';
import { invokeStep, withTimeout } from '../../core/runner.js';
import type { PipelineDocument, TaskState } from '../../core/pipeline.js';
import { shapeStepResult } from '../../adapters/stepfunctions/asl.js';
import { type RuntimeProvider, remainingMs, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';
import { normaliseCaughtErrors, recordAttempt } from './timeline.js';

export interface StepEvent {
  state: string;
  document: PipelineDocument;
}

export async function runStep(
  runtime: LambdaRuntime,
  event: StepEvent,
  context: Context | undefined,
): Promise<Record<string, unknown>> {
  const stateName = event?.state;
  const state = runtime.definition.states[stateName];
  if (!state || state.type !== 'Task')
    throw new PipelineError(ErrorNames.Runtime, `no task state named ${JSON.stringify(stateName)}`);
  const accepted = runtime.env.PHAROS_STATES?.split(',').map((s) => s.trim());
  if (accepted && !accepted.includes(stateName)) {
    throw new PipelineError(
      ErrorNames.Runtime,
      `this function runs ${accepted.join(', ')}, not ${stateName}`,
    );
  }
  const task: TaskState = state;
  const document = normaliseCaughtErrors(runtime.definition, event.document);
  const { steps } = await runtime.steps();
  // The state's own timeout, a second early so the failure is ours (and recorded) rather than the service's.
  const stateMs = task.timeoutSeconds * 1000 * runtime.config.PHAROS_STATE_TIMEOUT_SCALE;
  const ms = Math.min(Math.max(stateMs - 1_000, stateMs * 0.9), remainingMs(context));
  return recordAttempt(
    {
      definition: runtime.definition,
      store: runtime.executions,
      notifier: runtime.notifier,
      logger: runtime.logger,
    },
    { stateName, state: task, document },
    async (attempt, willRetry) => {
      const output = await withTimeout(Math.max(ms, 1), new AbortController().signal, (signal) =>
        invokeStep(steps, task.step, document, {
          signal,
          executionId: document.execution_id,
          state: stateName,
          attempt,
          willRetry,
        }),
      );
      return shapeStepResult(task.step, output);
    },
  );
}

export const createStepHandler = (getRuntime: RuntimeProvider) => withRuntime('step', getRuntime, runStep);

export const handler = createStepHandler(lambdaRuntime);
