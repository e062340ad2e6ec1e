/**
 * Self-hosted sign-in with OpenID Connect in the browser (PHAROS_AUTH=oidc), against a real OpenID
 * Provider run here (src/dev/oidc-provider.ts, the `oidc-provider` package): the redirect to the
 * provider's page and back (authorization code + PKCE), live updates with the provider's token, a
 * silent renewal that keeps the page as it is, and a sign-out that ends the provider's session too.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/postgres/embedded.js';
import { type OidcStandIn, startOidcStandIn } from '../../src/dev/oidc-provider.js';
import { ApiClient, PHOTOS } from '../support/server.js';
import { card, shot, uploadViaPicker, useUiSession } from './support.js';

const CLIENT_ID = 'pharos-web';
/** Short enough that oidc-client-ts renews within seconds (it starts 60 s before expiry). */
const TOKEN_TTL_SECONDS = 68;

let provider: OidcStandIn;
let origin: string;

afterAll(async () => {
  await provider?.stop(); // registered first, so it runs after the session's server has stopped
});

const ui = useUiSession({
  // The provider must know the page's address (its redirect URI) before the server exists.
  env: async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    provider = await startOidcStandIn({
      clients: [
        { clientId: CLIENT_ID, redirectUris: [`${origin}/`], postLogoutRedirectUris: [`${origin}/`] },
      ],
      users: [
        { username: 'alice', password: 'alice password 1' },
        { username: 'bob', password: 'bob password 22' },
      ],
      issuerPath: '/realms/pharos',
      accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
    });
    return {
      PORT: String(port),
      PHAROS_AUTH: 'oidc',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_JWKS_URL: provider.jwksUrl,
    };
  },
});

beforeAll(() => {
  expect(ui.server.url).toBe(origin);
});

/** What oidc-client-ts keeps for this tab. */
const storedUser = () =>
  ui.page.evaluate(
    (key) =>
      JSON.parse(sessionStorage.getItem(key) ?? 'null') as {
        access_token: string;
        refresh_token?: string;
      } | null,
    `oidc.user:${provider.issuer}:${CLIENT_ID}`,
  );

async function signInAtProvider(username: string, password: string) {
  await ui.page.getByRole('button', { name: 'Sign in' }).click();
  await ui.page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await ui.page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
  await ui.page.getByLabel('Username').fill(username);
  await ui.page.getByLabel('Password').fill(password);
  await ui.page.getByRole('button', { name: 'Sign in' }).click();
  await ui.page.waitForURL(`${ui.server.url}/`);
  await ui.page.getByTestId('username').filter({ hasText: username }).waitFor();
  await ui.page.locator('[data-testid=connection][data-state=live]').waitFor();
}

describe('sign-in with OpenID Connect (PHAROS_AUTH=oidc)', () => {
  it("signs in on the provider's page, follows processing live, renews silently, and signs out there too", async () => {
    await ui.page.goto(ui.server.url);
    await ui.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // No local account form: the password is typed on the provider's page only.
    expect(await ui.page.getByLabel('Password').count()).toBe(0);

    // A wrong password is the provider's business.
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await ui.page.getByLabel('Username').fill('alice');
    await ui.page.getByLabel('Password').fill('not the password');
    await ui.page.getByRole('button', { name: 'Sign in' }).click();
    await ui.page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
    await ui.page.goto(ui.server.url);

    await signInAtProvider('alice', 'alice password 1');
    // The callback's code and state are gone from the address bar.
    expect(ui.page.url()).toBe(`${ui.server.url}/`);
    const first = (await storedUser())!;
    // The bearer is the provider's JWT access token, for this client and this user.
    const claims = JSON.parse(Buffer.from(first.access_token.split('.')[1]!, 'base64url').toString()) as {
      client_id: string;
      sub: string;
    };
    expect(claims).toMatchObject({ client_id: CLIENT_ID, sub: provider.subjectOf('alice') });
    await shot(ui.page, '40-oidc-signed-in');

    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 30_000 });

    // Silent renewal before expiry: a new token, the same page (no reload, same socket).
    await ui.page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    await expect
      .poll(async () => (await storedUser())?.access_token, { timeout: 30_000, interval: 500 })
      .not.toBe(first.access_token);
    const renewed = (await storedUser())!;
    expect(await ui.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await ui.page.locator('[data-testid=connection]').getAttribute('data-state')).toBe('live');
    // The renewed token is the one in use: a reprocess from the page goes through and ends live.
    const api = new ApiClient(ui.server.url, renewed.access_token);
    expect((await api.request('GET', '/images')).status).toBe(200);
    await lighthouse.getByRole('button', { name: 'Reprocess lighthouse.jpg' }).click();
    await lighthouse.locator('[data-status=PROCESSING]').waitFor();
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 30_000 });

    // Sign-out ends the provider's session: signing in again asks for the password again.
    await ui.page.getByRole('button', { name: 'Sign out' }).click();
    await ui.page.waitForURL(`${ui.server.url}/`);
    await ui.page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await storedUser()).toBeNull();
    // The refresh token was revoked with it.
    const refresh = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: renewed.refresh_token!,
        client_id: CLIENT_ID,
      }),
    });
    expect(refresh.status).toBe(400);
    await signInAtProvider('bob', 'bob password 22');
    await ui.page.getByTestId('empty-gallery').waitFor();
    await shot(ui.page, '41-oidc-second-user');
    expect(ui.watch.unexpected()).toEqual([]);
  });
});
