/**
 * The seed's Step Functions workflow, as data. The local runner interprets it; the AWS stack turns the
 * very same object into Amazon States Language. Field names mirror ASL so the mapping stays mechanical.
 */
import { type StateName, StateNames } from './domain.js';
import type { BeautyScore, Caption, DetectedLabels, Label } from './domain.js';
import type { StepOutputs } from './step-outputs.js';
import { ErrorNames } from './errors.js';

export const STEP_NAMES = [
  'inspectImage',
  'detectLabels',
  'filterLabels',
  'describeAndTag',
  'scoreBeauty',
  'saveResults',
  'markFailed',
  'notify',
] as const satisfies readonly (keyof StepOutputs)[]; // each step has a typed output
export type StepName = (typeof STEP_NAMES)[number];

export interface RetryRule {
  errorEquals: string[];
  intervalSeconds: number;
  /** Retries after the first attempt (ASL's MaxAttempts). */
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number;
  jitter: 'FULL' | 'NONE';
}

export interface CatchRule {
  errorEquals: string[];
  next: string;
  resultPath: string;
}

export interface TaskState {
  type: 'Task';
  step: StepName;
  comment: string;
  resultPath: string;
  timeoutSeconds: number;
  retry: RetryRule[];
  catch: CatchRule[];
  next: string;
  /**
   * No I/O and deterministic: the local runner runs it right after the state before and records both
   * in one checkpoint (a crash in between reruns it for free). Step Functions runs it as any Task.
   */
  pure?: boolean;
}

export interface PassState {
  type: 'Pass';
  comment: string;
  result: unknown;
  resultPath: string;
  next: string;
}

export interface ChoiceState {
  type: 'Choice';
  choices: { variable: string; stringEquals: string; next: string }[];
  default: string;
}

export interface FailState {
  type: 'Fail';
  error: string;
  cause: string;
}

export interface SucceedState {
  type: 'Succeed';
}

export type State = TaskState | PassState | ChoiceState | FailState | SucceedState;

export interface PipelineDefinition {
  comment: string;
  startAt: string;
  states: Record<string, State>;
}

/** The execution's document: the input plus each state's result at its resultPath. Small by design. */
export interface PipelineDocument {
  image_id: string;
  user_id: string;
  bucket: string;
  key: string;
  content_type: string;
  execution_id: string;
  execution_seq: number;
  inspected?: StepOutputs['inspectImage'];
  detected?: DetectedLabels;
  filtered?: { labels: Label[] };
  caption?: Caption;
  beauty?: BeautyScore;
  beauty_error?: StateError;
  outcome?: { status: 'READY' | 'FAILED'; processed_at?: string; error?: string };
  error?: StateError;
  notified?: { at: string };
}

/** The shape Step Functions gives a caught error. */
export interface StateError {
  Error: string;
  Cause: string;
}

/** The state that announces completion to the user. */
export const NOTIFY_STATE = StateNames.Notify;

export type BeautyFailurePolicy = 'null' | 'fail';

export interface PipelineOptions {
  beautyFailure: BeautyFailurePolicy;
}

const providerRetry = (maxAttempts = 3): RetryRule => ({
  errorEquals: [ErrorNames.Transient, ErrorNames.Timeout],
  intervalSeconds: 1,
  maxAttempts,
  backoffRate: 2,
  maxDelaySeconds: 8,
  jitter: 'FULL',
});

/** Our own steps (database, fan-out) are idempotent, so any error is worth a few retries. */
const internalRetry: RetryRule = {
  errorEquals: [ErrorNames.All],
  intervalSeconds: 1,
  maxAttempts: 3,
  backoffRate: 2,
  maxDelaySeconds: 4,
  jitter: 'FULL',
};

const toMarkFailed: CatchRule = { errorEquals: [ErrorNames.All], next: 'MarkFailed', resultPath: '$.error' };

export function buildPipeline(options: PipelineOptions): PipelineDefinition {
  const beautyCatch: CatchRule =
    options.beautyFailure === 'null'
      ? { errorEquals: [ErrorNames.All], next: 'BeautyUnavailable', resultPath: '$.beauty_error' }
      : toMarkFailed;
  return {
    comment: 'Pharos: labels → filter → caption and tags → beauty → save → notify (the seed story).',
    startAt: 'InspectImage',
    states: {
      InspectImage: {
        type: 'Task',
        step: 'inspectImage',
        comment:
          'The bytes as they arrived: type sniffed, pixel limit, thumbnail, a JPEG rendition for JPEG/PNG-only providers.',
        resultPath: '$.inspected',
        timeoutSeconds: 60,
        // A refused file stays refused; storage and database faults are worth a few tries.
        retry: [
          { ...internalRetry, errorEquals: [ErrorNames.ImageRejected], maxAttempts: 0 },
          { ...internalRetry, maxAttempts: 2 },
        ],
        catch: [toMarkFailed],
        next: 'DetectLabels',
      },
      DetectLabels: {
        type: 'Task',
        step: 'detectLabels',
        comment: "Rekognition's role: what is in the image.",
        resultPath: '$.detected',
        timeoutSeconds: 60,
        // A vision model that strays from the label schema gets one more try, as the describer does.
        retry: [providerRetry(), { ...providerRetry(1), errorEquals: [ErrorNames.MalformedOutput] }],
        catch: [toMarkFailed],
        next: 'FilterLabels',
      },
      FilterLabels: {
        type: 'Task',
        step: 'filterLabels',
        comment: 'Top N labels above the confidence threshold: the compact payload for the describer.',
        resultPath: '$.filtered',
        pure: true,
        timeoutSeconds: 10,
        retry: [],
        catch: [toMarkFailed],
        next: 'DescribeAndTag',
      },
      DescribeAndTag: {
        type: 'Task',
        step: 'describeAndTag',
        comment: "OpenAI's role: structured facts into a one-line caption and tags (strict JSON).",
        resultPath: '$.caption',
        timeoutSeconds: 60,
        // A model that broke the schema often keeps it on a second try.
        retry: [providerRetry(), { ...providerRetry(1), errorEquals: [ErrorNames.MalformedOutput] }],
        catch: [toMarkFailed],
        next: 'ScoreBeauty',
      },
      ScoreBeauty: {
        type: 'Task',
        step: 'scoreBeauty',
        comment: "SageMaker's role: the aesthetics model's beauty score.",
        resultPath: '$.beauty',
        timeoutSeconds: 60,
        retry: [providerRetry()],
        catch: [beautyCatch],
        next: 'SaveResults',
      },
      BeautyUnavailable: {
        type: 'Pass',
        comment: 'Policy PHAROS_BEAUTY_FAILURE=null: keep caption and tags, store no score.',
        result: { score: null, raw: null, provenance: null },
        resultPath: '$.beauty',
        next: 'SaveResults',
      },
      SaveResults: {
        type: 'Task',
        step: 'saveResults',
        comment: 'PostgreSQL: every output and status READY in one transaction.',
        resultPath: '$.outcome',
        timeoutSeconds: 30,
        retry: [internalRetry],
        catch: [toMarkFailed],
        next: NOTIFY_STATE,
      },
      MarkFailed: {
        type: 'Task',
        step: 'markFailed',
        comment: 'PostgreSQL: status FAILED with the error and its cause.',
        resultPath: '$.outcome',
        timeoutSeconds: 30,
        retry: [internalRetry],
        catch: [],
        next: NOTIFY_STATE,
      },
      [NOTIFY_STATE]: {
        type: 'Task',
        step: 'notify',
        comment: 'DynamoDB status, then SNS → WebSocket: the browser learns the job is done.',
        resultPath: '$.notified',
        timeoutSeconds: 30,
        retry: [internalRetry],
        catch: [],
        next: 'Finished',
      },
      Finished: {
        type: 'Choice',
        choices: [{ variable: '$.outcome.status', stringEquals: 'FAILED', next: 'Failed' }],
        default: 'Succeeded',
      },
      Failed: { type: 'Fail', error: ErrorNames.ImageFailed, cause: 'The photo could not be processed.' },
      Succeeded: { type: 'Succeed' },
    } satisfies Record<StateName, State>,
  };
}

/** Reads `$.a.b` from a document (the JSONPath subset the definition uses). */
export function readPath(document: unknown, path: string): unknown {
  if (path === '$') return document;
  let value: unknown = document;
  for (const part of path.replace(/^\$\./, '').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Returns a copy of the document with `value` at `$.a.b` (ASL's ResultPath). */
export function writePath<T extends object>(document: T, path: string, value: unknown): T {
  const parts = path.replace(/^\$\./, '').split('.');
  const copy: Record<string, unknown> = { ...(document as Record<string, unknown>) };
  let cursor = copy;
  parts.forEach((part, index) => {
    if (index === parts.length - 1) cursor[part] = value;
    else {
      const next = cursor[part];
      cursor[part] = next && typeof next === 'object' ? { ...(next as object) } : {};
      cursor = cursor[part] as Record<string, unknown>;
    }
  });
  return copy as T;
}

/** Full-jitter exponential backoff (AWS Architecture Blog), capped at maxDelaySeconds. */
export function retryDelayMs(
  rule: RetryRule,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const exponential = rule.intervalSeconds * rule.backoffRate ** (retryNumber - 1);
  const capped = Math.min(rule.maxDelaySeconds, exponential) * 1000;
  return rule.jitter === 'FULL' ? random() * capped : capped;
}

export function errorMatches(errorEquals: readonly string[], name: string): boolean {
  return errorEquals.includes(name) || errorEquals.includes(ErrorNames.All);
}
