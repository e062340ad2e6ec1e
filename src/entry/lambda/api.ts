/**
 * The REST API on Lambda: the very Hono app the local server runs, behind API Gateway (HTTP API with a
 * Cognito JWT authorizer) through `hono/aws-lambda`. The app verifies the Cognito token itself too
 * (PHAROS_AUTH=oidc), so a route left without the authorizer is still not open.
 */
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { SharpImageCodec } from '../../adapters/sharp/codec.js';
import { OidcTokenVerifier } from '../../adapters/jwt/oidc-verifier.js';
import { scryptHasher } from '../../adapters/jwt/local-issuer.js';
import { AccountService } from '../../core/accounts.js';
import { createHttpApp } from '../../app/http/app.js';
import { ImageService } from '../../core/image-service.js';
import { type RuntimeProvider, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

type Handler = ReturnType<typeof handle>;
const handlers = new WeakMap<LambdaRuntime, Handler>();

export function apiHandlerFor(runtime: LambdaRuntime): Handler {
  let handler = handlers.get(runtime);
  if (!handler) {
    const { config, logger } = runtime;
    const images = new ImageService({
      images: runtime.images,
      storage: runtime.storage,
      codec: new SharpImageCodec({ maxPixels: config.PHAROS_MAX_PIXELS }),
      status: runtime.status,
      logger,
      maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
      autoProcess: config.PHAROS_AUTO_PROCESS,
    });
    // Accounts live in Cognito: DELETE /me removes the photos; the account is deleted at the provider.
    const accounts = new AccountService({
      users: null,
      hasher: scryptHasher,
      issuer: null,
      images,
      clock: { now: () => new Date() },
    });
    const app = createHttpApp({
      images,
      processing: runtime.processing,
      verifier: accounts.verifierFor(
        new OidcTokenVerifier({
          issuer: config.OIDC_ISSUER!,
          audience: config.OIDC_AUDIENCE,
          jwksUrl: config.OIDC_JWKS_URL,
        }),
      ),
      accounts,
      jwks: null,
      maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
      showGps: config.PHAROS_GPS === 'owner',
      logger,
      ready: async () => ({
        database: await runtime.db.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      }),
    });
    handler = handle(app);
    handlers.set(runtime, handler);
  }
  return handler;
}

export const createApiHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('api', getRuntime, (runtime, event: LambdaEvent, context: Context) =>
    apiHandlerFor(runtime)(event, context),
  );

export const handler = createApiHandler(lambdaRuntime);
