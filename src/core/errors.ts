/**
 * Error names follow Step Functions conventions, so the same retry/catch rules work in the local
 * runner and in the generated state machine (a Lambda error's `name` becomes its Step Functions error).
 */
export const ErrorNames = {
  Transient: 'Provider.Transient',
  Permanent: 'Provider.Permanent',
  MalformedOutput: 'Provider.MalformedOutput',
  Timeout: 'States.Timeout',
  All: 'States.ALL',
  ImageMissing: 'Image.Missing',
  /** InspectImage refused the bytes (not an image, too many pixels, corrupt): never retried. */
  ImageRejected: 'Image.Rejected',
  WorkerLost: 'Worker.Lost',
  /** The definition or the document is not what a state needs (a bug, never retried by providers' rules). */
  Runtime: 'States.Runtime',
  ExecutionNotFound: 'Execution.NotFound',
  ExecutionBusy: 'Execution.Busy',
  /** A newer execution of the same photo owns its results. */
  ExecutionSuperseded: 'Execution.Superseded',
  /** The state machine's own Fail state: the photo ended FAILED. */
  ImageFailed: 'Pharos.ImageFailed',
  Unknown: 'Pharos.Unknown',
} as const;
export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

export class PipelineError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** A failure worth retrying: throttling, 5xx, connection resets, timeouts. */
export const transientError = (message: string, cause?: unknown) =>
  new PipelineError(ErrorNames.Transient, message, { cause });
/** A failure that another attempt will not fix: bad credentials, rejected input. */
export const permanentError = (message: string, cause?: unknown) =>
  new PipelineError(ErrorNames.Permanent, message, { cause });
/** The provider answered, but not in the agreed shape. */
export const malformedOutputError = (message: string, cause?: unknown) =>
  new PipelineError(ErrorNames.MalformedOutput, message, { cause });

export function errorName(error: unknown): string {
  if (error instanceof Error && error.name && error.name !== 'Error') return error.name;
  return 'Error';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Client-facing errors raised by services; the HTTP layer maps `status` and `code` straight through. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 429 with the seconds to wait, which the HTTP layer sends as Retry-After. */
export class TooManyAttemptsError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, 'too_many_attempts', message);
  }
}

export class ExecutionBusyError extends PipelineError {
  constructor(executionId: string) {
    super(ErrorNames.ExecutionBusy, `execution ${executionId} is being run by another worker`);
  }
}

/** A bearer token that is missing, malformed, expired or not ours: the API answers 401. */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/** A list cursor that this API did not issue (or issued for another sort): the client's mistake, a 400. */
export class InvalidCursorError extends Error {
  constructor(message = 'cursor is not valid') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}
