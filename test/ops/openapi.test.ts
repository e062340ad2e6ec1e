/**
 * The OpenAPI document is the contract: every route the server exposes is in it, and what the real
 * server answers validates against it (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedApp } from '../../src/app/http/documented-app.js';
import { mountWebUi } from '../../src/app/http/web-ui.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** Routes that are deliberately not API operations: the docs page itself and the web UI's files. */
const NOT_IN_DOCUMENT = new Set([
  '/openapi.json',
  '/docs',
  '/docs/assets/:file',
  '/',
  '/assets/*',
  '/favicon.svg',
  '/*',
]);

const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('OpenAPI document', () => {
  let server: TestServer;
  let document: Document;

  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });
  afterAll(() => server?.stop());

  it('is OpenAPI 3.1 and lists every route the server exposes (and no route it lacks)', () => {
    expect(document.openapi).toBe('3.1.0');
    // The same factory the runtime uses, with the same optional parts switched on (local auth, metrics, UI).
    const app = documentedApp();
    mountWebUi(app);
    const exposed = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && !NOT_IN_DOCUMENT.has(r.path))
        .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    const documented = new Set(
      Object.entries(document.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((method) => `${method} ${p}`),
      ),
    );
    expect([...exposed].sort()).toEqual([...documented].sort());
    // The exceptions are real routes (so the list above cannot hide a typo).
    for (const path of ['/openapi.json', '/docs', '/docs/assets/:file'])
      expect(app.routes.some((r) => r.path === path)).toBe(true);
  });

  it('validates real responses, successes and errors, for every documented operation', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(document, 'openapi.json');
    const exercised = new Set<string>();

    /** Checks one real response against the document's schema for its operation and status. */
    const check = async (method: string, template: string, response: Response) => {
      const operation = document.paths[template]?.[method];
      expect(operation, `${method} ${template} is documented`).toBeDefined();
      const documentedStatus = operation!.responses[String(response.status)];
      expect(documentedStatus, `${method} ${template} → ${response.status} is documented`).toBeDefined();
      exercised.add(`${method} ${template}`);
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!;
      if (response.status === 204) return;
      if (contentType === 'application/json') {
        expect(Object.keys(documentedStatus!.content ?? {})).toContain('application/json');
        const pointer = `openapi.json#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${response.status}/content/application~1json/schema`;
        const validate = ajv.compile({ $ref: pointer });
        const body: unknown = await response.json();
        expect(
          validate(body),
          `${method} ${template} ${response.status}: ${ajv.errorsText(validate.errors)}`,
        ).toBe(true);
      } else {
        // Binary and text bodies: the media type must be one the document names.
        const documented = Object.keys(documentedStatus!.content ?? {});
        expect(
          documented.some(
            (t) => t === contentType || (t.endsWith('/*') && contentType.startsWith(t.slice(0, -1))),
          ),
          `${contentType} in ${documented}`,
        ).toBe(true);
        await response.arrayBuffer();
      }
    };

    const url = server.url;
    const username = `doc${Math.random().toString(36).slice(2, 10)}`;
    const credentials = JSON.stringify({ username, password: 'correct horse battery' });
    const post = (path: string, body: string) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    await check('post', '/auth/register', await post('/auth/register', credentials));
    await check('post', '/auth/register', await post('/auth/register', credentials)); // 409
    await check(
      'post',
      '/auth/register',
      await post('/auth/register', JSON.stringify({ username: 'x', password: 'y' })),
    ); // 400
    const login = await post('/auth/login', credentials);
    const { token } = (await login.clone().json()) as { token: string };
    await check('post', '/auth/login', login);
    await check(
      'post',
      '/auth/login',
      await post('/auth/login', JSON.stringify({ username, password: 'wrong password' })),
    ); // 401
    await check('get', '/healthz', await fetch(`${url}/healthz`));
    // Node's parser refuses oversized headers on any route, before the app: the 431 is documented too.
    await check(
      'get',
      '/healthz',
      await fetch(`${url}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } }),
    );
    await check('get', '/readyz', await fetch(`${url}/readyz`));
    await check('get', '/.well-known/jwks.json', await fetch(`${url}/.well-known/jwks.json`));
    await check('get', '/metrics', await fetch(`${url}/metrics`));
    await check('get', '/config.json', await fetch(`${url}/config.json`));

    const client = new ApiClient(url, token);
    const socket = await client.socket();
    const form = (bytes: Uint8Array, name: string) => {
      const f = new FormData();
      f.append('file', new Blob([new Uint8Array(bytes)]), name);
      return f;
    };
    const uploaded = await client.request('POST', '/images', {
      body: form(await photo('lighthouse.jpg'), 'lighthouse.jpg'),
    });
    const id = ((await uploaded.clone().json()) as { image_id: string }).image_id;
    await check('post', '/images', uploaded);
    // The local disk offers no direct uploads: a documented 404 (the 201 is checked in direct-uploads.test.ts).
    await check(
      'post',
      '/images/uploads',
      await client.request('POST', '/images/uploads', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filename: 'a.jpg', content_type: 'image/jpeg', bytes: 10 }),
      }),
    );
    await check(
      'post',
      '/images',
      await client.request('POST', '/images', {
        body: form(new TextEncoder().encode('%PDF-1.7 not a photo'), 'doc.pdf'),
      }),
    ); // 415
    await check(
      'post',
      '/images',
      await client.request('POST', '/images', {
        body: form((await photo('lighthouse.jpg')).subarray(0, 2048), 'cut.jpg'),
      }),
    ); // 400
    await check(
      'post',
      '/images',
      await new ApiClient(url).request('POST', '/images', {
        body: form(await photo('lighthouse.jpg'), 'x.jpg'),
      }),
    ); // 401
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === id);

    await check('get', '/images', await client.request('GET', '/images'));
    await check('get', '/images', await client.request('GET', '/images?status=READY&tag=x&limit=5'));
    await check('get', '/images/{id}', await client.request('GET', `/images/${id}`));
    await check(
      'get',
      '/images/{id}',
      await client.request('GET', '/images/00000000-0000-4000-8000-000000000000'),
    ); // 404
    await check('get', '/images/{id}/ai', await client.request('GET', `/images/${id}/ai`));
    await check('get', '/images/{id}/ai', await client.request('GET', '/images/not-a-uuid/ai')); // 400
    await check('get', '/images', await client.request('GET', '/images?q=%23light&sort=taken_at'));
    await check('get', '/images', await client.request('GET', '/images?sort=relevance')); // 400
    await check('get', '/images/{id}/duplicates', await client.request('GET', `/images/${id}/duplicates`));
    await check('get', '/images/{id}/executions', await client.request('GET', `/images/${id}/executions`));
    await check('get', '/images/{id}/content', await client.request('GET', `/images/${id}/content`));
    await check('get', '/images/{id}/thumbnail', await client.request('GET', `/images/${id}/thumbnail`));
    const processed = await client.request('POST', `/images/${id}/process`);
    await check('post', '/images/{id}/process', processed);
    await socket.waitFor(
      (m) =>
        m.type === 'image_processing_complete' &&
        m.image_id === id &&
        socket.messages.filter((x) => x.type === 'image_processing_complete').length === 2,
    );
    await check('delete', '/images/{id}', await client.request('DELETE', `/images/${id}`));
    socket.close();
    await check('delete', '/me', await client.request('DELETE', '/me'));
    await check('delete', '/me', await client.request('DELETE', '/me')); // 401: the account is gone

    const documented = Object.entries(document.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect([...exercised].sort()).toEqual(documented.sort());
  });
});
