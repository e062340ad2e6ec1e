/**
 * The REST API on Lambda: the very Hono app the local server runs, behind API Gateway (HTTP API with a
 * Cognito JWT authorizer) through `hono/aws-lambda`. The app verifies the Cognito token itself too
 * (PHAROS_AUTH=oidc), so a route left without the authorizer is still not open.
 */
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { selectAuth } from '../../app/auth.js';
import { systemClock } from '../../app/clock.js';
import { buildHttpApp } from '../../app/http-server.js';
import { type RuntimeProvider, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

type Handler = ReturnType<typeof handle>;
const handlers = new WeakMap<LambdaRuntime, Promise<Handler>>();

export function apiHandlerFor(runtime: LambdaRuntime): Promise<Handler> {
  let handler = handlers.get(runtime);
  if (!handler) {
    handler = selectAuth(runtime.config, { db: runtime.db, photos: runtime.photos, clock: systemClock }).then(
      (auth) => handle(buildHttpApp(runtime, auth, null)),
    );
    handlers.set(runtime, handler);
  }
  return handler;
}

export const createApiHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('api', getRuntime, (runtime, event: LambdaEvent, context: Context) =>
    apiHandlerFor(runtime).then((handler) => handler(event, context)),
  );

export const handler = createApiHandler(lambdaRuntime);
