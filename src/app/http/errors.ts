/** One error shape for every failure: {"error":{"code","message"}} with the right HTTP status. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports/index.js';
import { InvalidTokenError } from '../../core/errors.js';
import { InvalidCursorError } from '../../adapters/postgres/images-repository.js';

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json(errorBody(code, message), status);
}

export function handleError(error: unknown, c: Context, logger: Logger) {
  if (error instanceof AppError)
    return errorResponse(c, error.status as ContentfulStatusCode, error.code, error.message);
  if (error instanceof InvalidTokenError) return errorResponse(c, 401, 'unauthorized', error.message);
  if (error instanceof InvalidCursorError) return errorResponse(c, 400, 'invalid_cursor', error.message);
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
