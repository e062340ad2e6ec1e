/**
 * The core PipelineDefinition as Amazon States Language (JSONPath, not JSONata): the state machine
 * the AWS stack deploys is generated from the very object the local runner interprets, so their
 * Retry, Catch, ResultPath and timeouts cannot drift apart.
 *
 * Every Task invokes a Lambda through the optimised `lambda:invoke` integration with a small payload
 * (`{"state": <name>, "document": <the execution document>}` — ids, keys and results, never image
 * bytes), and a ResultSelector keeps only the step's typed output fields (`core/step-outputs.ts`) out of the invocation envelope
 * (no `SdkHttpMetadata`, headers or status code reach the execution's state).
 */
import type { PipelineDefinition, RetryRule, State, StepName } from '../../core/pipeline.js';
import { STEP_NAMES } from '../../core/pipeline.js';
import { stepResultFields } from '../../core/step-outputs.js';

/**
 * Failures of the Lambda service itself (not of our code): always worth a retry, like AWS's own
 * recommendation for `lambda:invoke` tasks. They come first because `States.ALL` must be last.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

export const LAMBDA_SERVICE_RETRY: RetryRule = {
  errorEquals: [...LAMBDA_SERVICE_ERRORS],
  intervalSeconds: 1,
  maxAttempts: 3,
  backoffRate: 2,
  maxDelaySeconds: 8,
  jitter: 'FULL',
};

export interface AslOptions {
  /** The Lambda function (ARN, or a CDK token that resolves to one) that runs each step. */
  functionFor: (step: StepName, state: string) => string;
  /** Overall execution timeout of the state machine. */
  timeoutSeconds?: number;
}

export type AslState = Record<string, unknown>;
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

const aslRetry = (rule: RetryRule) => ({
  ErrorEquals: [...rule.errorEquals],
  IntervalSeconds: rule.intervalSeconds,
  MaxAttempts: rule.maxAttempts,
  BackoffRate: rule.backoffRate,
  MaxDelaySeconds: rule.maxDelaySeconds,
  JitterStrategy: rule.jitter,
});

/** `$.a.b` — the only JSONPath form the core uses; anything else is refused, not guessed at. */
function assertSimplePath(path: string, where: string): string {
  if (path !== '$' && !/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) {
    throw new Error(`${where}: JSONPath ${JSON.stringify(path)} is not of the form $.a.b`);
  }
  return path;
}

function toAsl(name: string, state: State, options: AslOptions): AslState {
  switch (state.type) {
    case 'Task': {
      if (!STEP_NAMES.includes(state.step)) throw new Error(`state ${name}: unknown step ${state.step}`);
      const fields = stepResultFields(state.step);
      return {
        Type: 'Task',
        Comment: state.comment,
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: options.functionFor(state.step, name),
          Payload: { state: name, 'document.$': '$' },
        },
        TimeoutSeconds: state.timeoutSeconds,
        ResultSelector: Object.fromEntries(fields.map((field) => [`${field}.$`, `$.Payload.${field}`])),
        ResultPath: assertSimplePath(state.resultPath, name),
        Retry: [LAMBDA_SERVICE_RETRY, ...state.retry].map(aslRetry),
        ...(state.catch.length
          ? {
              Catch: state.catch.map((c) => ({
                ErrorEquals: [...c.errorEquals],
                Next: c.next,
                ResultPath: assertSimplePath(c.resultPath, name),
              })),
            }
          : {}),
        Next: state.next,
      };
    }
    case 'Pass':
      return {
        Type: 'Pass',
        Comment: state.comment,
        Result: state.result,
        ResultPath: assertSimplePath(state.resultPath, name),
        Next: state.next,
      };
    case 'Choice':
      return {
        Type: 'Choice',
        Choices: state.choices.map((c) => ({
          Variable: assertSimplePath(c.variable, name),
          StringEquals: c.stringEquals,
          Next: c.next,
        })),
        Default: state.default,
      };
    case 'Fail':
      return { Type: 'Fail', Error: state.error, Cause: state.cause };
    case 'Succeed':
      return { Type: 'Succeed' };
  }
}

/** A pure function: the same definition always gives the same JSON. */
export function toStatesLanguage(definition: PipelineDefinition, options: AslOptions): AslDefinition {
  return {
    Comment: definition.comment,
    StartAt: definition.startAt,
    ...(options.timeoutSeconds ? { TimeoutSeconds: options.timeoutSeconds } : {}),
    States: Object.fromEntries(
      Object.entries(definition.states).map(([name, state]) => [name, toAsl(name, state, options)]),
    ),
  };
}

/** The task states of a definition and the step each runs (one Lambda each in the stack). */
export function taskStates(
  definition: PipelineDefinition,
): { state: string; step: StepName; timeoutSeconds: number }[] {
  return Object.entries(definition.states).flatMap(([state, s]) =>
    s.type === 'Task' ? [{ state, step: s.step, timeoutSeconds: s.timeoutSeconds }] : [],
  );
}

/** Shapes a step's result to exactly the fields the ResultSelector reads (absent optional ones as null). */
export function shapeStepResult(step: StepName, result: unknown): Record<string, unknown> {
  const source = (result ?? {}) as Record<string, unknown>;
  return Object.fromEntries(stepResultFields(step).map((field) => [field, source[field] ?? null]));
}
