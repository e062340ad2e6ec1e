/**
 * The AWS deployment, as a person uses it after `cdk deploy` — on this machine: the stack synthesized
 * offline, its template run by the emulator (infra/emulate: the real Lambda bundles behind local
 * stand-ins of Cognito, S3, EventBridge, SQS, Step Functions, SNS, DynamoDB, API Gateway and
 * CloudFront), and Chromium driving the web UI that CloudFront serves. Sign-in happens on the
 * provider's own page; the photos go straight to S3; completion arrives over the API Gateway
 * WebSocket, which is another origin than the page.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatedDeployment, startEmulatedDeployment } from '../../infra/emulate/deployment.js';
import { card, ensureWebBuild, launchBrowser, shot, uploadViaPicker, watchConsole } from './support.js';

const ALICE = { username: 'alice', password: `Alice-${randomBytes(6).toString('hex')}!` };
const BOB = { username: 'bob', password: `Bob-${randomBytes(6).toString('hex')}!` };

let work: string;
let deployment: EmulatedDeployment;
let browser: Browser;
const contexts: BrowserContext[] = [];
let bigJpeg: string;
let webp: string;

/** Signs in through the UI: its Sign in button, then the provider's page, then back to the UI. */
async function signIn(user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
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

beforeAll(async () => {
  ensureWebBuild();
  work = mkdtempSync(path.join(os.tmpdir(), 'pharos-aws-ui-'));
  chmodSync(work, 0o755); // as root, the embedded PostgreSQL runs as the postgres user and must enter it
  const outdir = path.join(work, 'cdk.out');
  // `npm run synth`, into a directory of its own: offline, no credentials.
  let started = Date.now();
  execFileSync(process.execPath, ['--import', 'tsx', 'infra/bin/pharos.ts'], {
    env: { ...process.env, CDK_OUTDIR: outdir },
    stdio: 'ignore',
  });
  console.info(`synth: ${Date.now() - started} ms`);
  started = Date.now();
  deployment = await startEmulatedDeployment({
    outdir,
    users: [ALICE, BOB],
    dataDir: path.join(work, 'deployment'),
  });
  console.info(`emulated deployment started: ${Date.now() - started} ms`);
  browser = await launchBrowser();
  // A 12-megapixel photo of noise (so JPEG cannot shrink it) of more than 8 MB, and a WebP.
  const [width, height] = [4000, 3000];
  bigJpeg = path.join(work, 'phone-photo.jpg');
  writeFileSync(
    bigJpeg,
    await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
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
  it('signs in on the provider, uploads straight to S3, gets completions over the WebSocket', async () => {
    expect(statSync(bigJpeg).size).toBeGreaterThan(8 * 1024 * 1024);
    const page = await signIn(ALICE);
    const console = watchConsole(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    // The page's configuration is the one the stack wrote next to the bundle.
    const config = (await (await fetch(`${deployment.webUrl}/config.json`)).json()) as {
      webSocketUrl: string;
      auth: { mode: string };
      upload: { mode: string };
    };
    expect(config.auth.mode).toBe('oidc');
    expect(config.upload.mode).toBe('direct');
    expect(new URL(config.webSocketUrl).host).not.toBe(new URL(deployment.webUrl).host);

    const apiCallsBefore = deployment.fakes.s3.requests.filter((r) => r.operation === 'PostObject').length;
    await uploadViaPicker(page, [bigJpeg, webp]);
    const big = card(page, 'phone-photo.jpg');
    const harbour = card(page, 'harbour.webp');
    await big.locator('[data-testid=status-badge][data-status=PROCESSING]').waitFor({ timeout: 30_000 });
    await big.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 60_000 });
    await harbour.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 60_000 });
    await expect(big.getByTestId('caption').textContent()).resolves.toMatch(/\w/);

    // The bytes went to S3 by presigned POST, not through API Gateway and Lambda.
    const posts = deployment.fakes.s3.requests.filter((r) => r.operation === 'PostObject');
    expect(posts.length - apiCallsBefore).toBe(2);
    // The completion came over the API Gateway WebSocket: the notifier posted to this page's connection.
    expect(sockets.some((url) => url.startsWith(config.webSocketUrl))).toBe(true);
    expect(deployment.webSocketPosts().some((p) => p.status === 200)).toBe(true);

    await big.getByRole('button', { name: 'Details and timeline of phone-photo.jpg' }).click();
    const dialog = page.getByRole('dialog', { name: 'phone-photo.jpg' });
    await dialog.getByTestId('timeline').waitFor();
    const states = await dialog.locator('table.states tbody th').allTextContents();
    expect(states).toEqual(expect.arrayContaining(['DetectLabels', 'DescribeAndTag', 'ScoreBeauty', 'Notify']));
    await shot(page, 'aws-emulated-timeline', false);
    await dialog.getByRole('button', { name: 'Close details' }).click();
    expect(console.unexpected()).toEqual([]);
  });

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
    await uploadViaPicker(page, [refused]);
    const photo = card(page, 'refused.webp');
    await photo.locator('[data-status=FAILED]').waitFor({ timeout: 60_000 });
    await expect(photo.getByTestId('failure').textContent()).resolves.toMatch(/invalid parameters/i);
    await photo.getByRole('button', { name: 'Retry refused.webp' }).click();
    await photo.locator('[data-status=READY]').waitFor({ timeout: 60_000 });
    expect(await photo.getByTestId('failure').count()).toBe(0);
  });

  it("a second user sees nothing of the first's", async () => {
    const page = await signIn(BOB);
    await page.getByTestId('empty-gallery').waitFor();
    expect(await page.getByTestId('image-card').count()).toBe(0);
  });
});
