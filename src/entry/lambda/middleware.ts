/**
 * Handler wrappers, Powertools-style: cross-cutting concerns (logging with the request id, cold-start
 * runtime, error reporting) live around the handlers, never inside them.
 */
import type { Context } from 'aws-lambda';
import type { LambdaRuntime } from './runtime.js';

export type RuntimeProvider = () => Promise<LambdaRuntime>;
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;
export type RuntimeHandler<E, R> = (runtime: LambdaRuntime, event: E, context: Context) => Promise<R>;

let coldStart = true;

/**
 * Builds the runtime once per cold start and logs one line per invocation (function, request id,
 * duration, outcome). Only the error's name and message are logged — never the event, which may hold
 * tokens or connection details.
 */
export function withRuntime<E, R>(
  name: string,
  getRuntime: RuntimeProvider,
  handler: RuntimeHandler<E, R>,
): LambdaHandler<E, R> {
  return async (event, context) => {
    const runtime = await getRuntime();
    const log = runtime.logger.child({
      handler: name,
      aws_request_id: context?.awsRequestId,
      cold_start: coldStart,
    });
    coldStart = false;
    const started = Date.now();
    try {
      const result = await handler(runtime, event, context);
      log.info({ ms: Date.now() - started }, 'invocation succeeded');
      return result;
    } catch (error) {
      const e = error as { name?: string; message?: string };
      log.warn({ ms: Date.now() - started, error: e?.name, cause: e?.message }, 'invocation failed');
      throw error;
    }
  };
}

/** The milliseconds this invocation may still spend, leaving a margin to report an error cleanly. */
export function remainingMs(context: Context | undefined, marginMs = 1_000): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' ? Math.max(0, remaining - marginMs) : Number.POSITIVE_INFINITY;
}
