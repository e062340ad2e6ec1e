/**
 * Operations endpoints, documented in the OpenAPI document like the rest: liveness, readiness (for
 * start scripts and load balancers), the local issuer's JWKS, and Prometheus metrics.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { metricsAccess } from '../../metrics.js';
import type { App, HttpDependencies } from '../env.js';
import { clientAddress } from '../client-address.js';
import { errorBody } from '../errors.js';
import { ErrorSchema, HeadersTooLarge } from '../schemas.js';
import { type WebConfig, WebConfigSchema } from '../web-config.js';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');
export const Readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z
      .record(z.string(), z.boolean())
      .openapi({ example: { database: true, queue: true, storage: true } }),
  })
  .openapi('Readiness');
const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('Jwks');

export function registerOpsRoutes(app: App, deps: HttpDependencies): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      security: [],
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', ...json(Health) }, 431: HeadersTooLarge },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readiness',
      security: [],
      tags: ['operations'],
      summary: 'Readiness: database, queue and storage reachable',
      responses: {
        200: { description: 'Ready for traffic', ...json(Readiness) },
        431: HeadersTooLarge,
        503: { description: 'A dependency is unreachable; `checks` names it', ...json(Readiness) },
      },
    }),
    async (c) => {
      const checks = await deps.ready();
      const ok = Object.values(checks).every(Boolean);
      return ok
        ? c.json({ status: 'ready' as const, checks }, 200)
        : c.json({ status: 'not_ready' as const, checks }, 503);
    },
  );

  if (deps.jwks) {
    const jwks = deps.jwks;
    app.openapi(
      createRoute({
        method: 'get',
        path: '/.well-known/jwks.json',
        operationId: 'jwks',
        security: [],
        tags: ['auth'],
        summary: "The local token issuer's public keys (PHAROS_AUTH=local)",
        responses: { 200: { description: 'JSON Web Key Set', ...json(Jwks) }, 431: HeadersTooLarge },
      }),
      (c) => c.json(jwks() as { keys: Record<string, unknown>[] }, 200),
    );
  }

  const metrics = deps.metrics;
  if (metrics && metrics.mode !== 'off') {
    app.openapi(
      createRoute({
        method: 'get',
        path: '/metrics',
        operationId: 'metrics',
        // Open, or with PHAROS_METRICS_TOKEN set, a bearer token of its own (not a user's).
        security: [{}, { metricsToken: [] }],
        tags: ['operations'],
        summary: 'Prometheus metrics (PHAROS_METRICS=localhost|public, optional PHAROS_METRICS_TOKEN)',
        responses: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: z.string() } },
          },
          401: {
            description: 'PHAROS_METRICS_TOKEN is set and the bearer token is missing or wrong',
            ...json(ErrorSchema),
          },
          403: {
            description: 'PHAROS_METRICS=localhost and the request is not from this machine',
            ...json(ErrorSchema),
          },
        },
      }),
      async (c) => {
        const access = metricsAccess(
          { mode: metrics.mode, token: metrics.token },
          {
            remoteAddress: clientAddress(c),
            authorization: c.req.header('authorization'),
            forwardedFor: c.req.header('x-forwarded-for'),
          },
        );
        if (access === 'unauthorized')
          return c.json(errorBody('unauthorized', 'send Authorization: Bearer <PHAROS_METRICS_TOKEN>'), 401);
        if (access === 'forbidden')
          return c.json(
            errorBody('forbidden', 'metrics are served to this machine only (PHAROS_METRICS=localhost)'),
            403,
          );
        const { body, contentType } = await metrics.instance.render();
        return c.text(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
      },
    );
  }
}

/** `GET /config.json`: what the web UI reads at start (served where the UI is, never cached). */
export function registerWebConfigRoute(app: App, config: WebConfig): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/config.json',
      operationId: 'webConfig',
      security: [],
      tags: ['operations'],
      summary: "The web UI's run-time configuration (API and WebSocket URLs, sign-in, uploads)",
      responses: {
        200: {
          description: 'The configuration',
          content: { 'application/json': { schema: WebConfigSchema } },
        },
        431: HeadersTooLarge,
      },
    }),
    // Never cached: a changed setting must reach the next page load.
    (c) => c.json(config, 200, { 'Cache-Control': 'no-store' }),
  );
}
