import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebConfigSchema } from '../../src/app/http/web-config.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

/** An OIDC issuer as Cognito publishes one: a JWKS over HTTP, tokens signed with RS256. */
describe('PHAROS_AUTH=oidc (Cognito or any OIDC issuer)', () => {
  let jwksServer: Server;
  let issuer: string;
  let server: TestServer;
  let privateKey: CryptoKey;
  const otherKeys = generateKeyPair('RS256');

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((req, res) => {
      if (req.url === '/pool/.well-known/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/pool`;
    server = await startTestServer({
      PHAROS_AUTH: 'oidc',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: 'pharos-web-client',
    });
  });
  afterAll(async () => {
    await server?.stop();
    jwksServer?.close();
  });

  const token = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; iss?: string; exp?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.iss ?? issuer)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '1h')
      .sign(options.key ?? privateKey);

  it("accepts the issuer's ID and access tokens, scoped to their subject", async () => {
    const idToken = await token({ sub: 'cognito-user-1', aud: 'pharos-web-client', token_use: 'id' });
    const accessToken = await token({
      sub: 'cognito-user-1',
      client_id: 'pharos-web-client',
      token_use: 'access',
    });
    const viaId = new ApiClient(server.url, idToken);
    const upload = await viaId.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg', '?process=false');
    expect(upload.status).toBe(201);
    const viaAccess = new ApiClient(server.url, accessToken);
    expect((await viaAccess.request('GET', `/images/${upload.body.image_id}`)).status).toBe(200);
    const stranger = new ApiClient(
      server.url,
      await token({ sub: 'cognito-user-2', aud: 'pharos-web-client' }),
    );
    expect((await stranger.request('GET', `/images/${upload.body.image_id}`)).status).toBe(404);
  });

  it('refuses tokens from another key, issuer or audience, and expired ones; local accounts are off', async () => {
    const refused = [
      await token({ sub: 'u', aud: 'pharos-web-client' }, { key: (await otherKeys).privateKey }),
      await token({ sub: 'u', aud: 'pharos-web-client' }, { iss: 'https://evil.example/pool' }),
      await token({ sub: 'u', aud: 'some-other-app' }),
      await token({ sub: 'u', aud: 'pharos-web-client' }, { exp: '-1m' }),
    ];
    for (const bad of refused) {
      expect((await new ApiClient(server.url, bad).request('GET', '/images')).status).toBe(401);
    }
    const register = await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'someone', password: 'long enough password' }),
    });
    expect(register.status).toBe(404);
    expect(((await register.json()) as { error: { code: string } }).error.code).toBe('local_auth_disabled');
  });

  it('tells the web UI to sign in with the provider (GET /config.json), the client id defaulting to the audience', async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const config = WebConfigSchema.parse(await response.json());
    expect(config.auth).toEqual({
      mode: 'oidc',
      authority: issuer,
      clientId: 'pharos-web-client',
      scope: 'openid profile email',
    });
    expect(config).toMatchObject({ apiBaseUrl: '', webSocketUrl: '', upload: { mode: 'multipart' } });
  });
});
