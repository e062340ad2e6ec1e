/**
 * A per-call deadline for provider adapters, below the state's own timeout: a hung connection then
 * fails as a transient error that the state's retry policy retries, instead of eating the whole state.
 */
import { transientError } from '../../core/errors.js';

export interface CallDeadline {
  /** Aborts when the caller aborts or the deadline passes. */
  signal: AbortSignal;
  /** The right pipeline error for a failure under this deadline (`throw deadline.failure(...)`). */
  failure(error: unknown, map: (error: unknown) => Error): Error;
}

export function callDeadline(what: string, outer: AbortSignal, timeoutMs: number): CallDeadline {
  const deadline = AbortSignal.timeout(timeoutMs);
  return {
    signal: AbortSignal.any([outer, deadline]),
    failure(error, map) {
      // The caller's abort (state timeout, shutdown) wins: its reason goes back untouched.
      if (outer.aborted)
        return outer.reason instanceof Error ? outer.reason : new Error(String(outer.reason));
      if (deadline.aborted) return transientError(`${what}: no answer within ${timeoutMs} ms`, error);
      return map(error);
    },
  };
}

/**
 * `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`, in milliseconds; null when absent.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Honours a throttle's Retry-After before the error goes back to the retry policy: the next attempt
 * then never comes sooner than the server asked. Waits longer than `capMs` are not waited out here
 * (they would eat the state's timeout); the policy's own backoff applies and the message says so.
 */
export async function waitOutRetryAfter(
  delayMs: number | null,
  capMs: number,
  signal: AbortSignal,
): Promise<string> {
  if (delayMs === null) return '';
  if (delayMs > capMs) return ` (retry-after ${Math.round(delayMs)} ms exceeds the ${capMs} ms wait cap)`;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, delayMs);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
  return ` (waited retry-after ${Math.round(delayMs)} ms)`;
}
