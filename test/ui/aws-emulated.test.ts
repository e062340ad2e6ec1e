/**
 * The AWS deployment, as a person uses it after `cdk deploy` — on this machine: the stack synthesized
 * offline, its template run by the emulator (infra/emulate: the real Lambda bundles behind local
 * stand-ins of Cognito, S3, EventBridge, SQS, Step Functions, SNS, DynamoDB, API Gateway and
 * CloudFront), and Chromium driving the web UI that CloudFront serves. Sign-in happens on the
 * provider's own page; the photos go straight to S3; completion arrives over the API Gateway
 * WebSocket, which is another origin than the page.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type EmulatedDeployment, startEmulatedDeployment } from '../../infra/emulate/deployment.js';
import { ensureSynth } from '../../infra/emulate/synth.js';
import { ROOT } from '../../infra/lib/functions.js';
import { FAKE_AWS_ENV } from '../wire/fake-server.js';
import { card, ensureWebBuild, launchBrowser, shot, watchConsole } from './support.js';

const ALICE = { username: 'alice', password: `Alice-${randomBytes(6).toString('hex')}!` };
const BOB = { username: 'bob', password: `Bob-${randomBytes(6).toString('hex')}!` };

const outdir = path.join(ROOT, 'infra/cdk.out');
/** The keep-alive the web UI (web/src/live/LiveSocket.ts) and the CLI (src/cli/watch.ts) send. */
const PING = JSON.stringify({ action: 'ping' });
let work: string;
let deployment: EmulatedDeployment;
let browser: Browser;
const contexts: BrowserContext[] = [];
const aliceImages: string[] = [];
let jpeg: string;
let webp: string;
let exif: string;

/** Signs in through the UI: its Sign in button, then the provider's page, then back to the UI. */
async function signIn(
  user: { username: string; password: string },
  sockets: string[] = [],
  frames: string[] = [],
): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framereceived', (frame) => frames.push(String(frame.payload)));
  });
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

/** The signed-in page's access token (oidc-client-ts keeps the user in sessionStorage). */
function pageToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
    return (
      (JSON.parse(sessionStorage.getItem(key ?? '') ?? '{}') as { access_token?: string }).access_token ?? ''
    );
  });
}

/** A request of the page's, answered (redirects are requests of their own, linked by redirectedFrom). */
interface Seen {
  method: string;
  url: string;
  status: number;
  redirectedFrom: { url: string; status: number } | null;
}

/**
 * Watches what the page sends: every answered request, and the upload slots the API handed out
 * (file name → image id), read from the UI's own `POST /images/uploads` answers.
 */
function watchNetwork(page: Page) {
  const seen: Seen[] = [];
  const slots = new Map<string, string>();
  page.on('requestfinished', (request) => {
    void (async () => {
      const response = await request.response();
      const from = request.redirectedFrom();
      const fromResponse = from ? await from.response() : null;
      seen.push({
        method: request.method(),
        url: request.url(),
        status: response?.status() ?? 0,
        redirectedFrom: from ? { url: from.url(), status: fromResponse?.status() ?? 0 } : null,
      });
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/images/uploads' && response) {
        const body = (await response.json()) as { image: { image_id: string; filename: string } };
        slots.set(body.image.filename, body.image.image_id);
      }
    })();
  });
  return { seen, slots };
}

/** Uploads as a person does: the UI's file input (the Choose photos… button opens it). */
async function uploadViaUi(page: Page, files: string[]): Promise<void> {
  await page.getByLabel('Photos to upload').setInputFiles(files);
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
  // A phone photo's size: 12 megapixels of noise at high quality, which no codec can squeeze.
  jpeg = path.join(work, 'lighthouse.jpg');
  writeFileSync(
    jpeg,
    await sharp(randomBytes(4000 * 3000 * 3), { raw: { width: 4000, height: 3000, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer(),
  );
  // The EXIF fixture (known camera, time and position) and a WebP copy of it: its near-duplicate.
  exif = path.join(work, 'camera.jpg');
  writeFileSync(exif, readFileSync(path.join(ROOT, 'test/fixtures/exif/camera-full.jpg')));
  webp = path.join(work, 'harbour.webp');
  writeFileSync(webp, await sharp(exif).rotate().resize(300).webp({ quality: 80 }).toBuffer());
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await deployment?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the AWS deployment, emulated, in Chromium', () => {
  it('signs in on the provider, uploads straight to S3, gets completions over the API Gateway WebSocket', async () => {
    const sockets: string[] = [];
    const frames: string[] = [];
    const page = await signIn(ALICE, sockets, frames);
    const consoleWatch = watchConsole(page);
    const net = watchNetwork(page);
    // The page's configuration is the one the stack wrote next to the bundle.
    const config = (await (await fetch(`${deployment.webUrl}/config.json`)).json()) as {
      webSocketUrl: string;
      auth: { mode: string; authority: string };
      upload: { mode: string; maxBytes: number };
    };
    expect(config.auth.mode).toBe('oidc');
    expect(config.auth.authority).toBe(deployment.issuer);
    expect(config.upload.mode).toBe('direct');
    expect(new URL(config.webSocketUrl).origin).not.toBe(new URL(deployment.webUrl).origin);

    // The photo is what the issue asks for: a 12-megapixel JPEG above 8 MB.
    const big = await sharp(jpeg).metadata();
    expect(big.width! * big.height!).toBe(12_000_000);
    expect(statSync(jpeg).size).toBeGreaterThan(8 * 1024 * 1024);
    expect(statSync(jpeg).size).toBeLessThan(config.upload.maxBytes);

    await uploadViaUi(page, [jpeg, exif, webp]);
    const lighthouse = card(page, 'lighthouse.jpg');
    const camera = card(page, 'camera.jpg');
    const harbour = card(page, 'harbour.webp');
    await lighthouse
      .locator('[data-testid=status-badge][data-status=PROCESSING]')
      .waitFor({ timeout: 60_000 });
    for (const photo of [lighthouse, camera, harbour])
      await photo.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 120_000 });
    await expect(lighthouse.getByTestId('caption').textContent()).resolves.toMatch(/\w/);
    await expect(lighthouse.getByTestId('beauty').textContent()).resolves.toMatch(/Beauty: \d+\/100/);

    // The bytes went straight to the uploads bucket (another origin), never through the API.
    const s3 = new URL(deployment.fakes.s3.url).origin;
    const ids = ['lighthouse.jpg', 'camera.jpg', 'harbour.webp'].map((name) => net.slots.get(name)!);
    expect(ids.every(Boolean)).toBe(true);
    aliceImages.push(...ids);
    expect(net.seen.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/images')).toEqual([]);
    const posted = deployment.fakes.s3.requests.filter((r) => r.operation === 'PostObject');
    expect(posted.length).toBeGreaterThanOrEqual(3);
    expect(
      net.seen.filter((r) => r.method === 'POST' && r.url.startsWith(s3) && r.status === 204),
    ).toHaveLength(3);
    const stored = [...deployment.fakes.s3.objects.entries()].find(([key]) => key.endsWith(`/${ids[0]}`));
    expect(stored?.[1].bytes.byteLength).toBe(statSync(jpeg).size);

    // The completion came over the API Gateway WebSocket: the page's socket is on its URL, the
    // notifier's posts to connections were accepted, and the page received them.
    expect(sockets.some((url) => url.startsWith(`${config.webSocketUrl}?token=`))).toBe(true);
    expect(deployment.webSocketPosts().some((p) => p.status === 200)).toBe(true);
    for (const id of ids)
      expect(
        frames.some(
          (f) => f.includes('"image_processing_complete"') && f.includes(id) && f.includes('READY'),
        ),
      ).toBe(true);

    // The thumbnail loaded in the browser from S3, through the API's presigned 302.
    const thumb = lighthouse.locator('img.thumb');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const fromS3 = (route: string, id: string) =>
      net.seen.find(
        (r) =>
          r.url.startsWith(s3) &&
          r.url.includes('X-Amz-Signature=') &&
          r.status === 200 &&
          r.redirectedFrom?.status === 302 &&
          r.redirectedFrom.url.endsWith(`/images/${id}/${route}`),
      );
    await expect.poll(() => fromS3('thumbnail', ids[0]!)).toBeTruthy();

    // The timeline starts with InspectImage; the full image loads the same way as the thumbnail.
    await lighthouse.getByRole('button', { name: 'Details and timeline of lighthouse.jpg' }).click();
    const dialog = page.getByRole('dialog', { name: 'lighthouse.jpg' });
    await dialog.getByTestId('timeline').waitFor();
    await expect
      .poll(() => dialog.locator('table.states tbody th').allTextContents())
      .toEqual(
        expect.arrayContaining(['InspectImage', 'DetectLabels', 'DescribeAndTag', 'ScoreBeauty', 'Notify']),
      );
    expect((await dialog.locator('table.states tbody th').allTextContents())[0]).toBe('InspectImage');
    await dialog.getByRole('button', { name: 'Full size' }).click();
    const full = dialog.getByTestId('full-image');
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(4000);
    expect(fromS3('content', ids[0]!)).toBeTruthy();
    await shot(page, 'aws-emulated-timeline', false);
    await dialog.getByRole('button', { name: 'Close details' }).click();

    // InspectImage stored what it read: the fixture's EXIF, and the hash that finds its WebP copy.
    await camera.getByRole('button', { name: 'Details and timeline of camera.jpg' }).click();
    const cameraDialog = page.getByRole('dialog', { name: 'camera.jpg' });
    await expect
      .poll(() => cameraDialog.getByTestId('photo-facts').textContent())
      .toContain('Pharos Optics Fixture One');
    await expect.poll(() => cameraDialog.getByTestId('duplicates').textContent()).toContain('harbour.webp');
    await cameraDialog.getByRole('button', { name: 'Close details' }).click();
    const token = await pageToken(page);
    const api = (p: string) =>
      fetch(`${deployment.webUrl}${p}`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    const meta = (await api(`/images/${ids[1]}`)) as {
      photo: { make: string; model: string } | null;
      taken_at_source: string;
    };
    expect(meta.photo).toMatchObject({ make: 'Pharos Optics', model: 'Fixture One' });
    expect(meta.taken_at_source).toBe('exif');
    const dupes = (await api(`/images/${ids[1]}/duplicates`)) as { items: { image_id: string }[] };
    expect(dupes.items.map((d) => d.image_id)).toEqual([ids[2]]);
    expect(consoleWatch.unexpected()).toEqual([]);
  }, 300_000);

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
    await uploadViaUi(page, [refused]);
    const photo = card(page, 'refused.webp');
    await photo.locator('[data-status=FAILED]').waitFor({ timeout: 60_000 });
    await expect.poll(() => photo.getByTestId('failure').textContent()).toMatch(/invalid parameters/i);
    await photo.getByRole('button', { name: 'Retry refused.webp' }).click();
    await photo.locator('[data-status=READY]').waitFor({ timeout: 60_000 });
    expect(await photo.getByTestId('failure').count()).toBe(0);
  }, 180_000);

  it('a file that is not an image, uploaded directly, ends FAILED and is removed from the bucket', async () => {
    const page = await signIn(ALICE);
    const net = watchNetwork(page);
    const fake = path.join(work, 'notes.jpg');
    writeFileSync(fake, 'Shopping list: bread, milk, a lighthouse.\n'.repeat(50));
    const labelCalls = deployment.fakes.rekognition.requests.length;
    await uploadViaUi(page, [fake]);
    const photo = card(page, 'notes.jpg');
    await photo.locator('[data-status=FAILED]').waitFor({ timeout: 60_000 });
    await expect.poll(() => photo.getByTestId('failure').textContent()).toMatch(/not an image/i);
    const id = net.slots.get('notes.jpg')!;
    expect(id).toBeTruthy();
    // Its bytes reached the bucket (the S3 event started the pipeline), and InspectImage removed them.
    expect(
      deployment.fakes.s3.requests.some(
        (r) => r.operation === 'PostObject' && r.body.includes(Buffer.from(id)),
      ),
    ).toBe(true);
    expect([...deployment.fakes.s3.objects.keys()].filter((key) => key.includes(id))).toEqual([]);
    // No AI state ran for it.
    expect(deployment.fakes.rekognition.requests.length).toBe(labelCalls);
    const token = await pageToken(page);
    const executions = (await (
      await fetch(`${deployment.webUrl}/images/${id}/executions`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { items: { states: { state: string; error: string | null; cause: string | null }[] }[] };
    const states = executions.items[0]?.states ?? [];
    expect(states.map((s) => s.state)).not.toContain('DetectLabels');
    expect(states.find((s) => s.state === 'InspectImage')).toMatchObject({
      error: 'Image.Rejected',
      cause: expect.stringMatching(/not an image/),
    });
  }, 120_000);

  it("the clients' keep-alive ping is taken by the $default route, and the connection stays", async () => {
    const page = await signIn(ALICE);
    const socket = new WebSocket(`${deployment.webSocketUrl}?token=${await pageToken(page)}`);
    const received: string[] = [];
    socket.on('message', (data) => received.push(String(data)));
    await once(socket, 'open');
    const before = deployment.webSocketMessages().length;
    socket.send(PING);
    await expect.poll(() => deployment.webSocketMessages().length).toBe(before + 1);
    const routed = deployment.webSocketMessages().at(-1)!;
    expect(routed).toMatchObject({ routeKey: '$default', status: 200 });
    // Still connected: a post to it through the management API arrives, and is all it ever received
    // (no "Forbidden" for an unrouted message).
    const management = new ApiGatewayManagementApiClient({
      region: 'us-east-1',
      endpoint: deployment.webSocketUrl.replace(/^ws/, 'http'),
      credentials: {
        accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
    await management.send(
      new PostToConnectionCommand({
        ConnectionId: routed.connectionId,
        Data: Buffer.from('{"type":"hello"}'),
      }),
    );
    management.destroy();
    await expect.poll(() => received).toEqual(['{"type":"hello"}']);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  }, 60_000);

  it("a second user sees nothing of the first's", async () => {
    const page = await signIn(BOB);
    await page.getByTestId('empty-gallery').waitFor();
    expect(await page.getByTestId('image-card').count()).toBe(0);
    // Nor through the API with Bob's own token: Alice's photo does not exist for him.
    expect(aliceImages.length).toBeGreaterThan(0);
    const token = await pageToken(page);
    for (const p of [`/images/${aliceImages[0]}`, `/images/${aliceImages[0]}/content`]) {
      const answer = await fetch(`${deployment.webUrl}${p}`, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
      });
      expect(answer.status).toBe(404);
    }
  }, 120_000);
});
