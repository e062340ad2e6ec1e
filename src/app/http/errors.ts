/** One error shape for every failure: {"error":{"code","message"}} with the right HTTP status. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, InvalidTokenError, TooManyAttemptsError, InvalidCursorError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/index.js';
import type { AppEnv } from './env.js';

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json(errorBody(code, message), status);
}

/** Codes for the statuses the framework itself answers with (its own messages are too terse). */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/**
 * The framework's own HTTP exceptions (its body parsers and media-type gate) as our error shape: a
 * client's broken body is a 4xx with a message saying what to send, never a logged 500.
 */
function frameworkError(error: HTTPException, c: Context<AppEnv>): { code: string; message: string } {
  const accepts = c.get('accepts');
  const contentType = c.req.header('content-type');
  if (error.status === 415) {
    return {
      code: 'unsupported_media_type',
      message: `this endpoint does not accept ${contentType ? `content-type "${contentType}"` : 'a body without a content-type'}${accepts ? `; send ${accepts}` : ''}`,
    };
  }
  if (error.status === 400 && /malformed json/i.test(error.message)) {
    return { code: 'malformed_json', message: 'the request body is not valid JSON' };
  }
  if (error.status === 400 && /formdata/i.test(error.message)) {
    return {
      code: 'malformed_multipart',
      message: `the request body is not valid multipart/form-data (a missing or wrong boundary?)${accepts ? `; send ${accepts}` : ''}`,
    };
  }
  return { code: FRAMEWORK_CODES[error.status] ?? 'bad_request', message: error.message || 'bad request' };
}

export function handleError(error: unknown, c: Context<AppEnv>, logger: Logger) {
  if (error instanceof TooManyAttemptsError) c.header('Retry-After', String(error.retryAfterSeconds));
  if (error instanceof AppError)
    return errorResponse(c, error.status as ContentfulStatusCode, error.code, error.message);
  if (error instanceof InvalidTokenError) return errorResponse(c, 401, 'unauthorized', error.message);
  if (error instanceof InvalidCursorError) return errorResponse(c, 400, 'invalid_cursor', error.message);
  if (error instanceof HTTPException && error.status < 500) {
    const { code, message } = frameworkError(error, c);
    // A client's mistake, not ours: worth a debug line, never an error.
    logger.debug({ path: c.req.path, method: c.req.method, status: error.status, code }, 'client error');
    return errorResponse(c, error.status as ContentfulStatusCode, code, message);
  }
  logger.error({ err: error, path: c.req.path, method: c.req.method }, 'request failed');
  return errorResponse(
    c,
    500,
    'internal_error',
    'something went wrong on our side; the error has been logged',
  );
}

/** zod-openapi's validation hook: turn schema failures into a precise 400. */
export function validationHook(
  result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: Context,
) {
  if (result.success || !result.error) return undefined;
  const message = result.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`)
    .join('; ');
  return errorResponse(c, 400, 'validation_error', message);
}
