/**
 * Hostile and clumsy clients: every kind of bad input gets a precise 4xx in the one error shape, nothing
 * is stored (no row in any table, no file), the server stays up, and nothing is logged as an error.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalTokenIssuer } from '../../src/adapters/jwt/local-issuer.js';
import type { Logger } from '../../src/core/ports/logger.js';
import { ApiClient, filesUnder, photo, startTestServer, type TestServer } from '../support/server.js';

interface Answer {
  status: number;
  body: unknown;
}

/** Records error-level log lines: a client's mistake must never show up there. */
function recordingLogger(errors: object[]): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (obj) => void errors.push(obj),
    child: () => logger,
  };
  return logger;
}

/** Sends bytes exactly as given (fetch would fix up what a hostile client gets wrong). */
function raw(url: string, request: string | Buffer): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const payload = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: unknown = payload;
      try {
        body = JSON.parse(payload);
      } catch {
        // Not JSON: the assertion on the error shape reports it.
      }
      resolve({ status, body });
    });
  });
}

/** A WebSocket upgrade that is refused: the status and body of the refusal. */
function refusedUpgrade(url: string, protocols?: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    ws.on('error', () => undefined); // the refusal itself is reported through unexpected-response
  });
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

const tinyJpeg = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#369' } })
    .jpeg()
    .toBuffer();

function multipart(
  boundary: string,
  filename: string,
  bytes: Buffer,
  field = 'file',
): Uint8Array<ArrayBuffer> {
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return Uint8Array.from(body);
}

describe('hostile input: a precise 4xx, nothing stored, the server up', () => {
  let server: TestServer;
  let client: ApiClient & { userId: string };
  let other: ApiClient & { userId: string };
  let othersPhoto: string;
  let baseline: string;
  const loggedErrors: object[] = [];
  /** Every kind tried and its answer, printed at the end for the closing note. */
  const answers: string[] = [];

  async function snapshot(): Promise<string> {
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ t: string; n: number }>(
        `SELECT 'images' AS t, count(*)::int AS n FROM images
         UNION ALL SELECT 'executions', count(*)::int FROM executions
         UNION ALL SELECT 'state_attempts', count(*)::int FROM state_attempts
         UNION ALL SELECT 'users', count(*)::int FROM users`,
      );
      const files = await filesUnder(path.join(server.dataDir, 'objects'));
      return JSON.stringify({ rows, files: files.sort() });
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    server = await startTestServer(
      { PHAROS_MAX_UPLOAD_BYTES: String(1_500_000), PHAROS_MAX_PIXELS: String(4_000_000) },
      { logger: recordingLogger(loggedErrors) },
    );
    client = await ApiClient.register(server.url);
    other = await ApiClient.register(server.url);
    othersPhoto = (await other.upload(await tinyJpeg(), 'other.jpg', '?process=false')).body.image_id;
    baseline = await snapshot();
  });
  afterAll(async () => {
    console.log(`hostile-input kinds and answers:\n${answers.join('\n')}`);
    await server?.stop();
  });

  const upload =
    (bytes: Uint8Array, filename = 'upload.jpg') =>
    async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), filename);
      return answer(await client.request('POST', '/images', { body: form }));
    };
  const post =
    (pathname: string, body: BodyInit, contentType?: string, token = true) =>
    async () =>
      answer(
        await fetch(`${server.url}${pathname}`, {
          method: 'POST',
          headers: {
            ...(contentType ? { 'content-type': contentType } : {}),
            ...(token ? { authorization: `Bearer ${client.token}` } : {}),
          },
          body,
          duplex: 'half',
        } as RequestInit),
      );
  const get =
    (
      pathname: string,
      headers: () => Record<string, string> | Promise<Record<string, string>> = () => ({}),
    ) =>
    async () =>
      answer(await fetch(`${server.url}${pathname}`, { headers: await headers() }));
  const authed = (pathname: string) => get(pathname, () => ({ authorization: `Bearer ${client.token}` }));
  const credentials = (body: unknown) => JSON.stringify(body);

  const lighthouse = () => photo('lighthouse.jpg');
  const gifWithCanvas = async (width: number, height: number) => {
    const gif = Buffer.from(
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#f00' } })
        .gif()
        .toBuffer(),
    );
    gif.writeUInt16LE(width, 6); // the logical screen: what a decoder allocates
    gif.writeUInt16LE(height, 8);
    return gif;
  };
  const pngDeclaring = async (width: number, height: number) => {
    const png = Buffer.from(
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#f00' } })
        .png()
        .toBuffer(),
    );
    png.writeUInt32BE(width, 16); // IHDR
    png.writeUInt32BE(height, 20);
    return png;
  };

  const table: [string, () => Promise<Answer>, number, string][] = [
    // Uploads: what the bytes are.
    ['upload: a zero-byte file', upload(new Uint8Array(0)), 400, 'empty_file'],
    [
      'upload: a truncated JPEG',
      async () => upload((await lighthouse()).subarray(0, 30_000))(),
      400,
      'invalid_image',
    ],
    [
      'upload: a PDF renamed .jpg',
      upload(new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: plain text',
      upload(new TextEncoder().encode('hello, this is not a photo at all')),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: an SVG with a script',
      upload(
        new TextEncoder().encode(
          '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        ),
      ),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: an HTML page named photo.png',
      upload(new TextEncoder().encode('<!doctype html><html><body><script>alert(1)</script></body></html>')),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: a ZIP archive',
      upload(Buffer.from('504b0304140000000800000000000000000000000000000000000000', 'hex')),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: a file over the byte limit',
      async () => upload(await photo('mountain-lake-reflection.jpg'))(),
      413,
      'payload_too_large',
    ],
    [
      'upload: a decompression bomb (small PNG, 100 megapixels)',
      async () =>
        upload(
          await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000' } })
            .png({ compressionLevel: 9 })
            .toBuffer(),
        )(),
      413,
      'too_many_pixels',
    ],
    [
      'upload: a GIF declaring a 65535x65535 canvas around a 1x1 frame',
      async () => upload(await gifWithCanvas(65535, 65535), 'canvas.gif')(),
      413,
      'too_many_pixels',
    ],
    [
      'upload: a PNG header declaring 100000x100000 with no pixel data',
      async () => upload(await pngDeclaring(100_000, 100_000), 'huge.png')(),
      413,
      'too_many_pixels',
    ],
    [
      'upload: a body over the limit sent chunked, without Content-Length',
      async () => {
        const chunk = new Uint8Array(256 * 1024);
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if ((sent += chunk.byteLength) > 4_000_000) controller.close();
            else controller.enqueue(chunk);
          },
        });
        return post('/images', body, 'multipart/form-data; boundary=xyz')();
      },
      413,
      'payload_too_large',
    ],
    // Uploads: how the body is sent.
    [
      'upload: multipart without the "file" field',
      async () => {
        const form = new FormData();
        form.append('photo', new Blob([new Uint8Array(await tinyJpeg())]), 'a.jpg');
        return answer(await client.request('POST', '/images', { body: form }));
      },
      400,
      'validation_error',
    ],
    [
      'upload: "file" sent as a text field',
      async () => {
        const form = new FormData();
        form.append('file', 'not a file');
        return answer(await client.request('POST', '/images', { body: form }));
      },
      400,
      'validation_error',
    ],
    [
      'upload: two "file" fields',
      async () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(await tinyJpeg())]), 'a.jpg');
        form.append('file', new Blob([new Uint8Array(await tinyJpeg())]), 'b.jpg');
        return answer(await client.request('POST', '/images', { body: form }));
      },
      400,
      'validation_error',
    ],
    [
      'upload: multipart with no boundary parameter',
      async () => post('/images', multipart('abc', 'a.jpg', await tinyJpeg()), 'multipart/form-data')(),
      400,
      'malformed_multipart',
    ],
    [
      'upload: multipart whose boundary is not the one declared',
      async () =>
        post(
          '/images',
          multipart('the-real-one', 'a.jpg', await tinyJpeg()),
          'multipart/form-data; boundary=another-one',
        )(),
      400,
      'malformed_multipart',
    ],
    [
      'upload: multipart cut off before its closing boundary',
      async () =>
        post(
          '/images',
          multipart('abc', 'a.jpg', await tinyJpeg()).subarray(0, 200),
          'multipart/form-data; boundary=abc',
        )(),
      400,
      'malformed_multipart',
    ],
    [
      'upload: a raw image body (content-type: image/jpeg)',
      async () => post('/images', new Uint8Array(await tinyJpeg()), 'image/jpeg')(),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: a JSON body',
      post('/images', JSON.stringify({ file: 'aGVsbG8=' }), 'application/json'),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: a body with no content-type',
      async () => post('/images', new Blob([new Uint8Array(await tinyJpeg())]))(),
      415,
      'unsupported_media_type',
    ],
    [
      'upload: a url-encoded form',
      post('/images', 'file=hello', 'application/x-www-form-urlencoded'),
      400,
      'validation_error',
    ],
    [
      'upload: ?process=maybe',
      async () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(await tinyJpeg())]), 'a.jpg');
        return answer(await client.request('POST', '/images?process=maybe', { body: form }));
      },
      400,
      'validation_error',
    ],
    [
      'upload: without a token',
      async () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(await tinyJpeg())]), 'a.jpg');
        return answer(await fetch(`${server.url}/images`, { method: 'POST', body: form }));
      },
      401,
      'unauthorized',
    ],
    // Accounts.
    [
      'register: malformed JSON',
      post('/auth/register', '{"username": "eve", "password": ', 'application/json', false),
      400,
      'malformed_json',
    ],
    [
      'login: malformed JSON',
      post('/auth/login', '{username: eve}', 'application/json', false),
      400,
      'malformed_json',
    ],
    [
      'login: a form body instead of JSON',
      post('/auth/login', 'username=eve&password=12345678', 'application/x-www-form-urlencoded', false),
      415,
      'unsupported_media_type',
    ],
    [
      'register: a text/plain body',
      post('/auth/register', credentials({ username: 'eve', password: 'password1' }), 'text/plain', false),
      415,
      'unsupported_media_type',
    ],
    [
      'register: JSON null',
      post('/auth/register', 'null', 'application/json', false),
      400,
      'validation_error',
    ],
    [
      'register: a JSON array',
      post('/auth/register', '[]', 'application/json', false),
      400,
      'validation_error',
    ],
    [
      'register: numbers for strings',
      post('/auth/register', credentials({ username: 12345, password: 12345678 }), 'application/json', false),
      400,
      'validation_error',
    ],
    [
      'register: a username with spaces and quotes',
      post(
        '/auth/register',
        credentials({ username: "bob'; DROP TABLE users;--", password: 'password1' }),
        'application/json',
        false,
      ),
      400,
      'validation_error',
    ],
    [
      'register: a 7-character password',
      post(
        '/auth/register',
        credentials({ username: 'shorty', password: '1234567' }),
        'application/json',
        false,
      ),
      400,
      'validation_error',
    ],
    [
      'register: a 1 MB JSON body',
      post(
        '/auth/register',
        credentials({ username: 'big', password: 'x'.repeat(1_000_000) }),
        'application/json',
        false,
      ),
      413,
      'payload_too_large',
    ],
    [
      'register: a username already taken',
      async () =>
        post(
          '/auth/register',
          credentials({ username: (await usernameOf(client)) ?? '', password: 'another password' }),
          'application/json',
          false,
        )(),
      409,
      'username_taken',
    ],
    [
      'login: a wrong password',
      async () =>
        post(
          '/auth/login',
          credentials({ username: (await usernameOf(client)) ?? '', password: 'wrong password' }),
          'application/json',
          false,
        )(),
      401,
      'invalid_credentials',
    ],
    // Tokens and headers.
    ['no Authorization header', get('/images'), 401, 'unauthorized'],
    [
      'a token that is not a JWT',
      get('/images', () => ({ authorization: 'Bearer not-a-jwt' })),
      401,
      'unauthorized',
    ],
    [
      'an unsigned JWT (alg: none)',
      get('/images', () => ({
        authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","iss":"pharos-local","aud":"pharos","exp":${Math.floor(Date.now() / 1000) + 3600}}`).toString('base64url')}.`,
      })),
      401,
      'unauthorized',
    ],
    [
      'an expired token',
      async () => {
        const issuer = await LocalTokenIssuer.open(path.join(server.dataDir, 'keys'));
        return get('/images', async () => ({
          authorization: `Bearer ${await issuer.issue(client.userId, -60)}`,
        }))();
      },
      401,
      'unauthorized',
    ],
    [
      'a token for a user that does not exist',
      async () => {
        const issuer = await LocalTokenIssuer.open(path.join(server.dataDir, 'keys'));
        return get('/images', async () => ({
          authorization: `Bearer ${await issuer.issue(crypto.randomUUID(), 600)}`,
        }))();
      },
      401,
      'unauthorized',
    ],
    [
      'a token signed with the server key but without exp',
      async () => {
        const jwk = JSON.parse(
          await readFile(path.join(server.dataDir, 'keys', 'signing-key.jwk.json'), 'utf8'),
        ) as JWK;
        const token = await new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
          .setSubject(client.userId)
          .setIssuer('pharos-local')
          .setAudience('pharos')
          .setIssuedAt()
          .sign(await importJWK(jwk, 'ES256'));
        return get('/images', async () => ({ authorization: `Bearer ${token}` }))();
      },
      401,
      'unauthorized',
    ],
    [
      'Basic credentials instead of a bearer token',
      get('/images', () => ({ authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` })),
      401,
      'unauthorized',
    ],
    [
      'a 64 KB Authorization header',
      () =>
        raw(
          server.url,
          `GET /images HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${'a'.repeat(64 * 1024)}\r\n\r\n`,
        ),
      431,
      'headers_too_large',
    ],
    ['a request line that is not HTTP', () => raw(server.url, 'HELLO THERE\r\n\r\n'), 400, 'bad_request'],
    [
      'a WebSocket without a token',
      () => refusedUpgrade(`${server.url.replace(/^http/, 'ws')}/ws`),
      401,
      'unauthorized',
    ],
    [
      'a WebSocket with a garbage token in the subprotocol',
      () => refusedUpgrade(`${server.url.replace(/^http/, 'ws')}/ws`, ['pharos.v1', 'a.b.c']),
      401,
      'unauthorized',
    ],
    // Routes and parameters.
    ['an image id that is not a UUID', authed('/images/not-a-uuid'), 400, 'validation_error'],
    ['an image id with a SQL injection', authed("/images/1'%20OR%20'1'='1"), 400, 'validation_error'],
    ['an image that does not exist', authed(`/images/${crypto.randomUUID()}`), 404, 'not_found'],
    ["another user's photo", async () => authed(`/images/${othersPhoto}/content`)(), 404, 'not_found'],
    [
      "deleting another user's photo",
      async () => answer(await client.request('DELETE', `/images/${othersPhoto}`)),
      404,
      'not_found',
    ],
    [
      "reprocessing another user's photo",
      async () => answer(await client.request('POST', `/images/${othersPhoto}/process`)),
      404,
      'not_found',
    ],
    ['a list limit of 100000', authed('/images?limit=100000'), 400, 'validation_error'],
    ['a list status that does not exist', authed('/images?status=HACKED'), 400, 'validation_error'],
    ['a forged list cursor', authed('/images?cursor=eyJub3QiOiJhIGN1cnNvciJ9'), 400, 'invalid_cursor'],
    ['an unknown route', authed('/admin/users'), 404, 'not_found'],
  ];

  const kinds = table.map(([name, send, status, code]) => ({ name, send, status, code }));

  async function usernameOf(who: ApiClient & { userId: string }): Promise<string | undefined> {
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [
        who.userId,
      ]);
      return rows[0]?.username;
    } finally {
      await db.end();
    }
  }

  it('has at least 30 kinds', () => expect(kinds.length).toBeGreaterThanOrEqual(30));

  it.each(kinds)('$name → $status $code', async ({ name, send, status, code }) => {
    const { status: got, body } = await send();
    answers.push(`${name} → ${got} ${(body as { error?: { code?: string } }).error?.code ?? '?'}`);
    expect(got).toBe(status);
    expect(body).toEqual({ error: { code, message: expect.any(String) } });
    expect((body as { error: { message: string } }).error.message.length).toBeGreaterThan(10);
    expect(await snapshot()).toBe(baseline);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(loggedErrors.splice(0)).toEqual([]);
  });
});
