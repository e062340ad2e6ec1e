/**
 * The HTTP API as one Hono app on web-standard Request/Response: the same app runs in Node locally
 * and in AWS Lambda behind API Gateway.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv, HttpDependencies } from './env.js';
import { errorResponse, handleError, validationHook } from './errors.js';
import { mountApiDocs } from './docs.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerImageRoutes } from './routes/images.js';
import { registerOpsRoutes, registerWebConfigRoute } from './routes/ops.js';

const PUBLIC_PATHS = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/auth/',
  '/.well-known/',
  '/openapi.json',
  '/docs',
  '/docs/',
];

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

function requireAuth(deps: HttpDependencies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (PUBLIC_PATHS.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))) return next();
    const token = bearerToken(c.req.header('authorization'));
    if (!token) return errorResponse(c, 401, 'unauthorized', 'send Authorization: Bearer <token>');
    const user = await deps.verifier.verify(token);
    c.set('userId', user.userId);
    return next();
  };
}

export function createHttpApp(deps: HttpDependencies): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError((error, c) => handleError(error, c, deps.logger));
  app.notFound((c) => errorResponse(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  if (deps.metrics) app.use(deps.metrics.instance.httpMiddleware());

  // /healthz, /readyz, /.well-known/jwks.json and /metrics: documented like every other route.
  registerOpsRoutes(app, deps);
  mountApiDocs(app);
  if (deps.webConfig) registerWebConfigRoute(app, deps.webConfig);

  app.use('/me', requireAuth(deps));
  app.use('/images', requireAuth(deps));
  app.use('/images/*', requireAuth(deps));
  registerAuthRoutes(app, deps);
  registerImageRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'PHAROS_METRICS_TOKEN, when set (not a user token)',
  });
  app.doc31('/openapi.json', DOCUMENT);
  return app;
}

const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Pharos API',
    version: '0.1.0',
    description: 'Photo understanding: labels, caption, tags, beauty score.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  // Relative: the API is where this document is served from (the local server, or API Gateway).
  servers: [{ url: '/', description: 'The origin serving this document' }],
};

/** The document GET /openapi.json serves, without a request (the OpenAPI lint in CI reads it so). */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  return app.getOpenAPI31Document(DOCUMENT);
}
