/**
 * Signing out leaves nothing of the user behind in the tab (issue 13): not the screen-reader
 * announcement naming their last photo, not their live socket, not their cached thumbnails; the
 * next user who signs in in the same tab starts from nothing and hears nothing of the first.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS } from '../support/server.js';
import {
  card,
  openSockets,
  recordSockets,
  registerViaUi,
  token,
  uploadViaPicker,
  useUiSession,
} from './support.js';

const ui = useUiSession({ preparePage: recordSockets });

const announcement = () => ui.page.getByTestId('announcer').textContent();

describe('sign-out clears every per-user state', () => {
  it("a second user in the same tab sees and hears nothing of the first user's session", async () => {
    await registerViaUi(ui.page, ui.server.url);
    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 30_000 });
    await expect.poll(announcement, { timeout: 5_000 }).toBe('lighthouse.jpg is ready');
    const thumbnail = await expect
      .poll(() => lighthouse.locator('img.thumb').getAttribute('src'), { timeout: 10_000 })
      .toMatch(/^blob:/)
      .then(() => lighthouse.locator('img.thumb').getAttribute('src'));
    const first = new ApiClient(ui.server.url, await token(ui.page));
    const firstId = (await lighthouse.getAttribute('data-image-id'))!;
    expect(await openSockets(ui.page)).toBe(1);

    await ui.page.getByRole('button', { name: 'Sign out' }).click();
    await ui.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The announcer is empty, the socket closed, the cached thumbnail's object URL revoked.
    expect(await announcement()).toBe('');
    await expect.poll(() => openSockets(ui.page), { timeout: 5_000 }).toBe(0);
    const revoked = await ui.page.evaluate(
      (url) =>
        fetch(url!).then(
          () => false,
          () => true,
        ),
      thumbnail,
    );
    expect(revoked).toBe(true);

    // Another user signs in in the same tab: an empty gallery, one new socket, a silent announcer…
    await registerViaUi(ui.page, ui.server.url);
    await ui.page.getByTestId('empty-gallery').waitFor();
    expect(await openSockets(ui.page)).toBe(1);
    expect(await announcement()).toBe('');
    // …that stays silent while the first user's photo is processed again.
    await first.request('POST', `/images/${firstId}/process`);
    await first.waitForStatus(firstId, ['READY']);
    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'ocean-waves.jpg')]);
    await card(ui.page, 'ocean-waves.jpg').locator('[data-status=READY]').waitFor({ timeout: 30_000 });
    await expect.poll(announcement, { timeout: 5_000 }).toBe('ocean-waves.jpg is ready');
    expect(await ui.page.getByTestId('image-card').count()).toBe(1);
    // The one expected error: the probe above, fetching the revoked object URL.
    expect(ui.watch.unexpected([/ERR_FILE_NOT_FOUND @ blob:/])).toEqual([]);
  });
});
