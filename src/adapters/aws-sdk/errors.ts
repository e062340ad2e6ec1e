/**
 * Maps AWS SDK failures onto the pipeline's error names, so the state's retry policy can tell a
 * throttle (wait and retry) from a rejected request (fail now, or fall back to the next provider).
 */
import { permanentError, transientError } from '../../core/errors.js';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);
const SERVER_SIDE = new Set([
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  /** SageMaker's ModelError: the status the model container answered with. */
  OriginalStatusCode?: number;
}

export function isTransientAwsError(error: unknown): boolean {
  const e = (error ?? {}) as AwsErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (e.name && (THROTTLING.has(e.name) || SERVER_SIDE.has(e.name))) return true;
  if (e.name === 'ModelError') return (e.OriginalStatusCode ?? 0) >= 500 || e.OriginalStatusCode === 429;
  if (e.name === 'TimeoutError' || (e.code && NETWORK_CODES.has(e.code))) return true;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  // No HTTP status at all: the request never got an answer (socket closed, parse of a cut body).
  return status === undefined && e.$fault !== 'client' && !e.name?.endsWith('Exception');
}

/** `signal` is the caller's: when it aborted, its reason goes back untouched (the runner's timeout). */
export function mapAwsError(service: string, error: unknown, signal: AbortSignal): Error {
  if (signal.aborted)
    return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  const e = (error ?? {}) as AwsErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const what = `${service}: ${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`;
  return isTransientAwsError(error) ? transientError(what, error) : permanentError(what, error);
}
