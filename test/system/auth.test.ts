import path from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalTokenIssuer } from '../../src/adapters/jwt/local-issuer.js';
import { WebConfigSchema } from '../../src/app/http/web-config.js';
import { ApiClient, SocketProbe, photo, startTestServer, type TestServer } from '../support/server.js';

describe('authentication and isolation between users', () => {
  let server: TestServer;
  let alice: ApiClient & { userId: string };
  let bob: ApiClient & { userId: string };
  let alicePhoto: string;
  beforeAll(async () => {
    server = await startTestServer();
    alice = await ApiClient.register(server.url, 'alice');
    bob = await ApiClient.register(server.url, 'bob');
    alicePhoto = (await alice.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg', '?process=false')).body
      .image_id;
  });
  afterAll(() => server?.stop());

  const asToken = (token: string) => new ApiClient(server.url, token);

  it('tells the web UI to use local accounts, same-origin API and socket (GET /config.json)', async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.status).toBe(200);
    expect(WebConfigSchema.parse(await response.json())).toEqual({
      apiBaseUrl: '',
      webSocketUrl: '',
      auth: { mode: 'local' },
      upload: { mode: 'multipart', maxBytes: 25 * 1024 * 1024 },
    });
  });

  it('answers 401 to a missing, malformed, forged or expired token', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(alice.userId)
      .setIssuer('pharos-local')
      .setAudience('pharos')
      .setExpirationTime('1h')
      .sign(privateKey);
    const issuer = await LocalTokenIssuer.open(path.join(server.dataDir, 'keys'));
    const expired = await issuer.issue(alice.userId, -60);
    const cases: [string, string][] = [
      ['', 'send Authorization'],
      ['not-a-jwt', 'malformed'],
      [forged, 'signature'],
      [expired, 'expired'],
    ];
    for (const [token, reason] of cases) {
      const response = await asToken(token).json<{ error: { code: string; message: string } }>(
        'GET',
        `/images/${alicePhoto}`,
      );
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
      expect(response.body.error.message).toContain(reason);
    }
    // A valid token from the same key works, proving the 401s are about the tokens.
    const fresh = await issuer.issue(alice.userId);
    expect((await asToken(fresh).request('GET', `/images/${alicePhoto}`)).status).toBe(200);
  });

  it('registers, refuses duplicates and wrong passwords, and logs in', async () => {
    const dup = await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ALICE', password: 'another password' }),
    });
    expect(dup.status).toBe(409);
    const wrong = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'wrong password' }),
    });
    expect(wrong.status).toBe(401);
    const short = await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: 'short' }),
    });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { message: string } }).error.message).toMatch(/password/);
    const ok = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string; user_id: string };
    expect(body.user_id).toBe(alice.userId);
    expect((await asToken(body.token).request('GET', `/images/${alicePhoto}`)).status).toBe(200);
  });

  it("answers 404 for another user's photo on every route, and lists only one's own", async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/ai'],
      ['GET', '/executions'],
      ['GET', '/content'],
      ['GET', '/thumbnail'],
      ['POST', '/process'],
      ['DELETE', ''],
    ] as const) {
      const response = await bob.request(method, `/images/${alicePhoto}${suffix}`);
      expect(response.status, `${method} ${suffix}`).toBe(404);
    }
    const list = await bob.json<{ items: unknown[] }>('GET', '/images');
    expect(list.body.items).toEqual([]);
    expect((await alice.json<{ items: unknown[] }>('GET', '/images')).body.items).toHaveLength(1);
  });

  it('refuses WebSocket connections without a valid token, accepts the subprotocol form', async () => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
    for (const url of [wsUrl, `${wsUrl}?token=forged.token.value`]) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
    const probe = await SocketProbe.open(wsUrl, ['pharos.v1', alice.token]);
    expect(probe.ws.protocol).toBe('pharos.v1');
    probe.close();
  });

  it("sends no event of one user's photo to another user's socket", async () => {
    const aliceSocket = await alice.socket();
    const bobSocket = await bob.socket();
    const processed = await alice.json<{ execution_id: string }>('POST', `/images/${alicePhoto}/process`);
    expect(processed.status).toBe(202);
    await aliceSocket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === alicePhoto);
    // Bob uploads and completes one of his own afterwards: his socket is live and ordered.
    const bobPhoto = (await bob.upload(await photo('ocean-waves.jpg'), 'ocean.jpg')).body.image_id;
    await bobSocket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === bobPhoto);
    expect(bobSocket.messages.filter((m) => m.image_id === alicePhoto)).toEqual([]);
    expect(aliceSocket.messages.filter((m) => m.image_id === bobPhoto)).toEqual([]);
    aliceSocket.close();
    bobSocket.close();
  });
});
