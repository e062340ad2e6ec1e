/**
 * The AWS deployment, as a person uses it after `cdk deploy` — on this machine: the stack synthesized
 * offline, its template run by the emulator (infra/emulate: the real Lambda bundles behind local
 * stand-ins of Cognito, S3, EventBridge, SQS, Step Functions, SNS, DynamoDB, API Gateway and
 * CloudFront), and Chromium driving the web UI that CloudFront serves. Sign-in happens on the
 * provider's own page; the photos go straight to S3; completion arrives over the API Gateway
 * WebSocket, which is another origin than the page.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedDeployment, startEmulatedDeployment } from '../../infra/emulate/deployment.js';
import { ensureSynth } from '../../infra/emulate/synth.js';
import { ROOT } from '../../infra/lib/functions.js';
import { card, ensureWebBuild, launchBrowser, shot, watchConsole } from './support.js';

const ALICE = { username: 'alice', password: `Alice-${randomBytes(6).toString('hex')}!` };
const BOB = { username: 'bob', password: `Bob-${randomBytes(6).toString('hex')}!` };

const outdir = path.join(ROOT, 'infra/cdk.out');
let work: string;
let deployment: EmulatedDeployment;
let browser: Browser;
const contexts: BrowserContext[] = [];
const aliceImages: string[] = [];
let jpeg: string;
let webp: string;

/** Signs in through the UI: its Sign in button, then the provider's page, then back to the UI. */
async function signIn(user: { username: string; password: string }, sockets: string[] = []): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(deployment.webUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The provider's page: another origin (Cognito's managed login, here the OpenID stand-in).
  await page.waitForURL((url) => url.href.startsWith(deployment.issuer));
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.href.startsWith(deployment.webUrl));
  await page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 30_000 });
  return page;
}

/**
 * The photo sent by the signed-in page itself, with its token, to `POST /images` through CloudFront →
 * API Gateway → the API Lambda (multipart: the route that exists on main until direct uploads land).
 */
async function uploadThroughApi(page: Page, file: string): Promise<{ status: number; body: unknown }> {
  const bytes = readFileSync(file).toString('base64');
  const type = file.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
  return page.evaluate(
    async ({ bytes, type, name }) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
      const user = JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}') as { access_token?: string };
      const form = new FormData();
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      form.append('file', new Blob([data], { type }), name);
      const answer = await fetch('/images', {
        method: 'POST',
        headers: { authorization: `Bearer ${user.access_token ?? ''}` },
        body: form,
      });
      return { status: answer.status, body: (await answer.json()) as unknown };
    },
    { bytes, type, name: path.basename(file) },
  );
}

beforeAll(async () => {
  ensureWebBuild();
  work = mkdtempSync(path.join(os.tmpdir(), 'pharos-aws-ui-'));
  chmodSync(work, 0o755); // as root, the embedded PostgreSQL runs as the postgres user and must enter it
  // `npm run synth` (offline, no credentials) unless infra/cdk.out is newer than its sources.
  let started = Date.now();
  ensureSynth(ROOT, outdir);
  console.info(`synth: ${Date.now() - started} ms`);
  started = Date.now();
  deployment = await startEmulatedDeployment({
    outdir,
    users: [ALICE, BOB],
    dataDir: path.join(work, 'deployment'),
  });
  console.info(`emulated deployment started: ${Date.now() - started} ms`);
  browser = await launchBrowser();
  jpeg = path.join(work, 'lighthouse.jpg');
  writeFileSync(
    jpeg,
    await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#dde4ea' } })
      .jpeg()
      .toBuffer(),
  );
  webp = path.join(work, 'harbour.webp');
  writeFileSync(
    webp,
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2a6f97' } })
      .webp()
      .toBuffer(),
  );
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await deployment?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the AWS deployment, emulated, in Chromium', () => {
  it('signs in on the provider, uploads, gets completions over the API Gateway WebSocket', async () => {
    const sockets: string[] = [];
    const page = await signIn(ALICE, sockets);
    const consoleWatch = watchConsole(page);
    // The page's configuration is the one the stack wrote next to the bundle.
    const config = (await (await fetch(`${deployment.webUrl}/config.json`)).json()) as {
      webSocketUrl: string;
      auth: { mode: string; authority: string };
    };
    expect(config.auth.mode).toBe('oidc');
    expect(config.auth.authority).toBe(deployment.issuer);
    expect(new URL(config.webSocketUrl).origin).not.toBe(new URL(deployment.webUrl).origin);

    for (const file of [jpeg, webp]) {
      const answer = await uploadThroughApi(page, file);
      expect(answer.status).toBe(201);
      aliceImages.push((answer.body as { image_id: string }).image_id);
    }
    const lighthouse = card(page, 'lighthouse.jpg');
    const harbour = card(page, 'harbour.webp');
    await lighthouse
      .locator('[data-testid=status-badge][data-status=PROCESSING]')
      .waitFor({ timeout: 30_000 });
    await lighthouse.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 60_000 });
    await harbour.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 60_000 });
    await expect(lighthouse.getByTestId('caption').textContent()).resolves.toMatch(/\w/);

    // The completion came over the API Gateway WebSocket: the page's socket is on its URL, and the
    // notifier's posts to connections were accepted.
    expect(sockets.some((url) => url.startsWith(`${config.webSocketUrl}?token=`))).toBe(true);
    expect(deployment.webSocketPosts().some((p) => p.status === 200)).toBe(true);

    await lighthouse.getByRole('button', { name: 'Details and timeline of lighthouse.jpg' }).click();
    const dialog = page.getByRole('dialog', { name: 'lighthouse.jpg' });
    await dialog.getByTestId('timeline').waitFor();
    await expect
      .poll(() => dialog.locator('table.states tbody th').allTextContents())
      .toEqual(expect.arrayContaining(['DetectLabels', 'DescribeAndTag', 'ScoreBeauty', 'Notify']));
    await shot(page, 'aws-emulated-timeline', false);
    await dialog.getByRole('button', { name: 'Close details' }).click();
    expect(consoleWatch.unexpected()).toEqual([]);
  }, 180_000);

  it('a provider failure ends FAILED with its reason, and Retry brings the photo to READY', async () => {
    const page = await signIn(ALICE);
    // Rekognition refuses the next call with a permanent error: DetectLabels fails, no retry.
    deployment.fakes.rekognition.fail({ kind: 'bad-request', operation: 'DetectLabels' });
    const refused = path.join(work, 'refused.webp');
    writeFileSync(
      refused,
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#884400' } })
        .webp()
        .toBuffer(),
    );
    expect((await uploadThroughApi(page, refused)).status).toBe(201);
    const photo = card(page, 'refused.webp');
    await photo.locator('[data-status=FAILED]').waitFor({ timeout: 60_000 });
    await expect(photo.getByTestId('failure').textContent()).resolves.toMatch(/invalid parameters/i);
    await photo.getByRole('button', { name: 'Retry refused.webp' }).click();
    await photo.locator('[data-status=READY]').waitFor({ timeout: 60_000 });
    expect(await photo.getByTestId('failure').count()).toBe(0);
  }, 180_000);

  it("a second user sees nothing of the first's", async () => {
    const page = await signIn(BOB);
    await page.getByTestId('empty-gallery').waitFor();
    expect(await page.getByTestId('image-card').count()).toBe(0);
    // Nor through the API with Bob's own token: Alice's photo does not exist for him.
    expect(aliceImages.length).toBeGreaterThan(0);
    const status = await page.evaluate(async (id) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
      const user = JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}') as { access_token?: string };
      const answer = await fetch(`/images/${id}`, {
        headers: { authorization: `Bearer ${user.access_token}` },
      });
      return answer.status;
    }, aliceImages[0]!);
    expect(status).toBe(404);
  }, 120_000);
});
