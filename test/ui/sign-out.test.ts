/**
 * Signing out leaves nothing of the user behind in the tab (issue 13): not the screen-reader
 * announcement naming their last photo, not their live socket, not their cached thumbnails; the
 * next user who signs in in the same tab starts from nothing and hears nothing of the first.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import {
  card,
  type ConsoleWatch,
  ensureWebBuild,
  launchBrowser,
  openSockets,
  recordSockets,
  registerViaUi,
  token,
  uploadViaPicker,
  watchConsole,
} from './support.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let watch: ConsoleWatch;

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await recordSockets(page);
  watch = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const announcement = () => page.getByTestId('announcer').textContent();

describe('sign-out clears every per-user state', () => {
  it("a second user in the same tab sees and hears nothing of the first user's session", async () => {
    await registerViaUi(page, server.url);
    await uploadViaPicker(page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(page, 'lighthouse.jpg');
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 30_000 });
    await expect.poll(announcement, { timeout: 5_000 }).toBe('lighthouse.jpg is ready');
    const thumbnail = await expect
      .poll(() => lighthouse.locator('img.thumb').getAttribute('src'), { timeout: 10_000 })
      .toMatch(/^blob:/)
      .then(() => lighthouse.locator('img.thumb').getAttribute('src'));
    const first = new ApiClient(server.url, await token(page));
    const firstId = (await lighthouse.getAttribute('data-image-id'))!;
    expect(await openSockets(page)).toBe(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The announcer is empty, the socket closed, the cached thumbnail's object URL revoked.
    expect(await announcement()).toBe('');
    await expect.poll(() => openSockets(page), { timeout: 5_000 }).toBe(0);
    const revoked = await page.evaluate(
      (url) =>
        fetch(url!).then(
          () => false,
          () => true,
        ),
      thumbnail,
    );
    expect(revoked).toBe(true);

    // Another user signs in in the same tab: an empty gallery, one new socket, a silent announcer…
    await registerViaUi(page, server.url);
    await page.getByTestId('empty-gallery').waitFor();
    expect(await openSockets(page)).toBe(1);
    expect(await announcement()).toBe('');
    // …that stays silent while the first user's photo is processed again.
    await first.request('POST', `/images/${firstId}/process`);
    await first.waitForStatus(firstId, ['READY']);
    await uploadViaPicker(page, [path.join(PHOTOS, 'ocean-waves.jpg')]);
    await card(page, 'ocean-waves.jpg').locator('[data-status=READY]').waitFor({ timeout: 30_000 });
    await expect.poll(announcement, { timeout: 5_000 }).toBe('ocean-waves.jpg is ready');
    expect(await page.getByTestId('image-card').count()).toBe(1);
    // The one expected error: the probe above, fetching the revoked object URL.
    expect(watch.unexpected([/ERR_FILE_NOT_FOUND @ blob:/])).toEqual([]);
  });
});
