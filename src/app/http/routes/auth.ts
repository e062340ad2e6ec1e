import { createRoute } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { answerOversizeBody } from '../oversize-body.js';
import type { App, HttpDependencies } from '../env.js';
import { clientAddress } from '../client-address.js';
import { Credentials, ErrorSchema, LoggedIn, Registered } from '../schemas.js';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid request or malformed JSON', ...json(ErrorSchema) },
  413: { description: 'The body is larger than 16 KB', ...json(ErrorSchema) },
  404: {
    description: 'Local accounts are disabled (PHAROS_AUTH=oidc): sign in with the identity provider',
    ...json(ErrorSchema),
  },
  415: { description: 'The body is not JSON', ...json(ErrorSchema) },
  429: {
    description: 'Too many failed attempts for this username or from this address; see Retry-After',
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
    ...json(ErrorSchema),
  },
};

export function registerAuthRoutes(app: App, deps: HttpDependencies): void {
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me',
      operationId: 'deleteAccount',
      tags: ['auth'],
      security: [{ bearerAuth: [] }],
      summary:
        'Delete my account: every photo with its objects and history, live connections, and (local accounts) the account; its tokens are refused afterwards',
      responses: {
        204: { description: 'Deleted' },
        401: { description: 'Missing, invalid or expired token', ...json(ErrorSchema) },
      },
    }),
    async (c) => {
      await deps.accounts.deleteAccount(c.get('userId'));
      return c.body(null, 204);
    },
  );

  app.use('/auth/*', async (c, next) => {
    c.set('accepts', 'a JSON object (content-type: application/json) with "username" and "password"');
    await next();
  });
  // Credentials are a few hundred bytes: nothing bigger is read, let alone parsed or hashed.
  app.use(
    '/auth/*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: (c) => answerOversizeBody(c, 4 * 1024 * 1024, 'the request body is larger than 16 KB'),
    }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/register',
      operationId: 'register',
      tags: ['auth'],
      summary: 'Create a local account (PHAROS_AUTH=local) and sign in',
      security: [],
      request: { body: { required: true, ...json(Credentials) } },
      responses: {
        201: { description: 'Registered and signed in', ...json(Registered) },
        409: { description: 'Username taken', ...json(ErrorSchema) },
        ...errors,
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      return c.json(await deps.accounts.register(username, password, clientAddress(c) ?? 'unknown'), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in with a local account: a bearer token for the other routes',
      security: [],
      request: {
        body: {
          required: true,
          ...json(Credentials.pick({ username: true }).extend({ password: Credentials.shape.password })),
        },
      },
      responses: {
        200: { description: 'Signed in', ...json(LoggedIn) },
        401: { description: 'Wrong username or password', ...json(ErrorSchema) },
        ...errors,
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      return c.json(await deps.accounts.login(username, password, clientAddress(c) ?? 'unknown'), 200);
    },
  );
}
