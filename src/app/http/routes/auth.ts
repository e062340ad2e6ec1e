import { createRoute } from '@hono/zod-openapi';
import { AppError } from '../../../core/errors.js';
import type { App, HttpDependencies } from '../env.js';
import { Credentials, ErrorSchema, LoggedIn, Registered } from '../schemas.js';

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid request', ...json(ErrorSchema) },
};

export function registerAuthRoutes(app: App, deps: HttpDependencies): void {
  const localAuth = () => {
    if (!deps.localAuth) {
      throw new AppError(
        404,
        'local_auth_disabled',
        'local accounts are disabled (PHAROS_AUTH=oidc): sign in with your identity provider',
      );
    }
    return deps.localAuth;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/register',
      tags: ['auth'],
      request: { body: { required: true, ...json(Credentials) } },
      responses: {
        201: { description: 'Registered and signed in', ...json(Registered) },
        409: { description: 'Username taken', ...json(ErrorSchema) },
        ...errors,
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      return c.json(await localAuth().register(username, password), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['auth'],
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
      return c.json(await localAuth().login(username, password), 200);
    },
  );
}
