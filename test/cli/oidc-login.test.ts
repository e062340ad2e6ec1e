/**
 * `pharos login` against a server that signs in with OpenID Connect: the CLI reads the provider from
 * the server's /config.json and signs in with the device authorization grant (the code entered in a
 * browser, here Chromium) or, with --callback-port, the code flow with PKCE and a loopback redirect;
 * the saved token then works for uploads followed live, and an expired one renews by itself.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcStandIn, startOidcStandIn } from '../../src/dev/oidc-provider.js';
import { PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import { launchBrowser } from '../ui/support.js';
import { runCli } from './support.js';

const CLIENT_ID = 'pharos-cli-test';
let provider: OidcStandIn;
let server: TestServer;
let browser: Browser;
let home: string;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  provider = await startOidcStandIn({
    // Loopback redirects may use any port (RFC 8252), so one registration serves every run.
    clients: [{ clientId: CLIENT_ID, redirectUris: ['http://127.0.0.1/callback'] }],
    users: [{ username: 'carol', password: 'carol password 3' }],
    issuerPath: '/realms/cli',
  });
  [server, browser] = await Promise.all([
    startTestServer({
      PHAROS_AUTH: 'oidc',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_SCOPE: 'openid profile',
      OIDC_JWKS_URL: provider.jwksUrl,
    }),
    launchBrowser(),
  ]);
  home = await mkdtemp(path.join(tmpdir(), 'pharos-cli-oidc-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const env = () => ({ PHAROS_URL: server.url, XDG_CONFIG_HOME: home });
const stored = async () =>
  JSON.parse(await readFile(path.join(home, 'pharos', 'config.json'), 'utf8')) as {
    token: string;
    refreshToken?: string;
    username?: string;
  };

async function signInAtProvider(page: Page) {
  await page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
  await page.getByLabel('Username').fill('carol');
  await page.getByLabel('Password').fill('carol password 3');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Runs `pharos login …`, doing in Chromium whatever the CLI asks on stderr. */
async function login(args: string[], inBrowser: (page: Page, url: string, stderr: string) => Promise<void>) {
  const page = await browser.newPage();
  let started: Promise<void> | null = null;
  const run = await runCli(['login', ...args], {
    env: env(),
    onStderr: (stderr) => {
      const url = /To sign in, open (\S+)/.exec(stderr)?.[1];
      if (url && !started && /To sign in, open .*\n/.test(stderr)) started = inBrowser(page, url, stderr);
    },
  });
  await started;
  await page.close();
  return run;
}

describe('pharos login with OpenID Connect', () => {
  it('signs in with a device code entered in the browser, then uploads and follows the photo live', async () => {
    const run = await login([], async (page, url, stderr) => {
      const code = /enter the code (\S+)/.exec(stderr)![1]!;
      await page.goto(url);
      // The verification link carries the code; the page asks to confirm it.
      await page.getByRole('heading', { name: 'Confirm the device' }).waitFor();
      expect(await page.locator('code').textContent()).toBe(code);
      await page.getByRole('button', { name: 'Continue' }).click();
      await signInAtProvider(page);
      await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/enter the code/);
    expect(run.stderr).toContain(`Signed in to ${server.url} as carol`);
    const saved = await stored();
    expect(saved.username).toBe('carol');
    expect(saved.refreshToken).toBeTruthy();
    expect(run.stderr + run.stdout).not.toContain(saved.token);

    const upload = await runCli(['upload', path.join(PHOTOS, 'lighthouse.jpg'), '--wait', '--json'], {
      env: env(),
    });
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stderr).not.toMatch(/live updates unavailable/);
    expect((JSON.parse(upload.stdout) as { results: { status: string }[] }).results[0]!.status).toBe('READY');
  });

  it('signs in through a loopback redirect with PKCE when asked for one (providers without device codes)', async () => {
    const port = await freePort();
    const run = await login(['--callback-port', String(port)], async (page, url) => {
      expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
      expect(new URL(url).searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/callback`);
      await page.goto(url);
      await signInAtProvider(page);
      await page.getByText('Signed in. You can close this tab').waitFor();
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/enter the code/);
    const saved = await stored();
    expect(saved.username).toBe('carol');

    // An expired token is renewed with the refresh token, without asking again.
    const [header, , signature] = saved.token.split('.');
    const expired = `${header}.${Buffer.from(JSON.stringify({ exp: 1 })).toString('base64url')}.${signature}`;
    await writeFile(path.join(home, 'pharos', 'config.json'), JSON.stringify({ ...saved, token: expired }));
    const ls = await runCli(['ls', '--json'], { env: env() });
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout) as unknown[]).toHaveLength(1);
    const renewed = await stored();
    expect(renewed.token).not.toBe(expired);
    expect(renewed.token.split('.')).toHaveLength(3);
  });

  it('has no local accounts to register: `pharos register` says where to create one, exit 2', async () => {
    const run = await runCli(['register', '-u', 'dave', '--password-stdin'], {
      env: env(),
      input: 'dave password 4\n',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${server.url} signs in with OpenID Connect: create the account at ${provider.issuer}`,
    );
  });
});
