/**
 * Accounts: a token must name a user that exists and carry a bounded `exp`; guessing passwords is
 * locked out per username and per address; DELETE /me removes everything the account owns.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalTokenIssuer } from '../../src/adapters/jwt/local-issuer.js';
import { ApiClient, filesUnder, photo, startTestServer, type TestServer } from '../support/server.js';

describe('accounts: live users only, lockout, deletion', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      // A long first lock, so "still locked" holds however slow the machine; the schedule itself is
      // checked with a manual clock in test/unit/attempt-throttle.test.ts.
      PHAROS_LOGIN_LOCK_SECONDS: '300',
      PHAROS_LOGIN_FAILURES_PER_USERNAME: '3',
      PHAROS_LOGIN_FAILURES_PER_ADDRESS: '8',
      PHAROS_TOKEN_TTL_SECONDS: '3600',
    });
  });
  afterAll(() => server?.stop());

  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.end();
    }
  };
  const signWithServerKey = async (claims: { sub: string; exp?: number; iat?: number }) => {
    const jwk = JSON.parse(
      await readFile(path.join(server.dataDir, 'keys', 'signing-key.jwk.json'), 'utf8'),
    ) as JWK;
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setSubject(claims.sub)
      .setIssuer('pharos-local')
      .setAudience('pharos')
      .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000));
    if (claims.exp) jwt.setExpirationTime(claims.exp);
    return jwt.sign(await importJWK(jwk, 'ES256'));
  };
  const upgradeStatus = (token: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('error', () => undefined);
    });
  const login = (username: string, password: string) =>
    fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('refuses a validly signed token for a user that does not exist, on HTTP and WebSocket', async () => {
    const issuer = await LocalTokenIssuer.open(path.join(server.dataDir, 'keys'));
    const ghost = new ApiClient(server.url, await issuer.issue(crypto.randomUUID(), 600));
    const list = await ghost.json<{ error: { code: string; message: string } }>('GET', '/images');
    expect(list.status).toBe(401);
    expect(list.body.error.message).toMatch(/no longer exists/);
    const upload = await ghost.upload(await photo('lighthouse.jpg'));
    expect(upload.status).toBe(401);
    expect(await upgradeStatus(ghost.token)).toBe(401);
    expect(await query('SELECT id FROM images')).toEqual([]);
    // The same key and a real user: accepted, so the refusal was about the user.
    const real = await ApiClient.register(server.url);
    expect(await upgradeStatus(await issuer.issue(real.userId, 600))).toBe(101);
  });

  it('refuses a token without exp, and one living longer than the configured lifetime', async () => {
    const user = await ApiClient.register(server.url);
    const now = Math.floor(Date.now() / 1000);
    const noExp = await signWithServerKey({ sub: user.userId });
    const tooLong = await signWithServerKey({ sub: user.userId, exp: now + 30 * 24 * 3600 });
    const fine = await signWithServerKey({ sub: user.userId, exp: now + 600 });
    for (const [token, reason] of [
      [noExp, 'no "exp" claim'],
      [tooLong, 'lifetime'],
    ] as const) {
      const response = await new ApiClient(server.url, token).json<{ error: { message: string } }>(
        'GET',
        '/images',
      );
      expect(response.status).toBe(401);
      expect(response.body.error.message).toContain(reason);
      expect(await upgradeStatus(token)).toBe(401);
    }
    expect((await new ApiClient(server.url, fine).request('GET', '/images')).status).toBe(200);
  });

  it('locks a username out after repeated wrong passwords: 429 with Retry-After, even for the right one', async () => {
    const victim = await ApiClient.register(server.url, 'victim');
    for (let i = 0; i < 3; i++) expect((await login('victim', `wrong guess ${i}`)).status).toBe(401);
    const locked = await login('victim', 'wrong guess 4');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(200);
    const body = (await locked.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_attempts');
    expect(body.error.message).toMatch(/for this username; try again in \d+ s/);
    expect((await login('victim', 'correct horse battery')).status).toBe(429);
    // Someone else is not affected, and the victim's existing token still works.
    await ApiClient.register(server.url, 'bystander');
    expect((await login('bystander', 'correct horse battery')).status).toBe(200);
    expect((await victim.request('GET', '/images')).status).toBe(200);
  });

  it('DELETE /me removes the photos, objects, executions, sockets and the account; its tokens are refused', async () => {
    const owner = await ApiClient.register(server.url, 'leaving');
    const other = await ApiClient.register(server.url);
    const kept = (await other.upload(await photo('ocean-waves.jpg'), 'ocean.jpg')).body.image_id;
    const socket = await owner.socket();
    const first = (await owner.upload(await photo('lighthouse.jpg'), 'a.jpg')).body.image_id;
    await owner.waitForStatus(first, ['READY']);
    await owner.upload(await photo('coffee-cup.png'), 'b.png', '?process=false');
    expect((await query('SELECT id FROM executions WHERE image_id = $1', [first])).length).toBe(1);
    const closed = new Promise<number>((resolve) => socket.ws.on('close', (code) => resolve(code)));

    expect((await owner.request('DELETE', '/me')).status).toBe(204);

    expect(await closed).toBe(4401);
    expect(await query('SELECT id FROM images WHERE user_id = $1', [owner.userId])).toEqual([]);
    expect(await query('SELECT id FROM users WHERE id = $1', [owner.userId])).toEqual([]);
    expect(await query('SELECT id FROM executions WHERE image_id = $1', [first])).toEqual([]);
    const files = await filesUnder(path.join(server.dataDir, 'objects'));
    expect(files.filter((f) => f.includes(owner.userId))).toEqual([]);
    expect((await owner.request('GET', '/images')).status).toBe(401);
    expect(await upgradeStatus(owner.token)).toBe(401);
    expect((await login('leaving', 'correct horse battery')).status).toBe(401);
    // Another user's photo is untouched.
    expect((await other.request('GET', `/images/${kept}/content`)).status).toBe(200);
  });

  it('locks a client address out after failures across many usernames', async () => {
    // 8 per address in this file; earlier tests already spent some of them from this address.
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++)
      status = (await login(`nobody${i}`, 'wrong password')).status;
    expect(status).toBe(429);
    const response = await login('someone-new', 'whatever password');
    expect(response.status).toBe(429);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /from your address/,
    );
  });
});
