/**
 * The socket is dropped and restored: the page reaches the server through a proxy whose cable the
 * test pulls (every connection reset, new ones refused). A photo finishes while the page is cut
 * off and another is uploaded elsewhere; after the page reconnects, the gallery is right anyway.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, photo } from '../support/server.js';
import {
  card,
  installMilestones,
  NetworkCable,
  registerViaUi,
  shot,
  token,
  uploadViaPicker,
  useUiSession,
} from './support.js';

const ui = useUiSession({
  env: { PHAROS_SCRIPTED: JSON.stringify({ labels: { latencyMs: 1200 } }) },
  preparePage: installMilestones,
});
let cable: NetworkCable;

beforeAll(async () => {
  cable = new NetworkCable(new URL(ui.server.url));
  await cable.start();
});

afterAll(async () => {
  await cable?.stop(); // before the server (hooks after run last-registered first)
});

describe('the live socket survives a network drop', () => {
  it('reconnects with backoff and shows what completed while it was disconnected', async () => {
    await registerViaUi(ui.page, cable.url);
    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse.locator('[data-status=PROCESSING]').waitFor({ timeout: 10_000 });
    const id = (await lighthouse.getAttribute('data-image-id'))!;
    const before = await ui.page.evaluate(() => ({ ...window.__pharosMetrics! }));

    cable.drop();
    await ui.page.locator('[data-testid=connection][data-state=reconnecting]').waitFor({ timeout: 5_000 });

    // Meanwhile, on the server: the photo finishes, and another is uploaded from elsewhere.
    const api = new ApiClient(ui.server.url, await token(ui.page));
    await api.waitForStatus(id, ['READY'], 20_000);
    const other = await api.upload(await photo('ocean-waves.jpg'), 'ocean-waves.jpg');
    expect(other.status).toBe(201);
    await api.waitForStatus(other.body.image_id, ['READY'], 20_000);
    // The page cannot know yet: its badge is stale and the new photo is absent.
    expect(await lighthouse.getByTestId('status-badge').getAttribute('data-status')).toBe('PROCESSING');
    expect(await card(ui.page, 'ocean-waves.jpg').count()).toBe(0);
    await shot(ui.page, '20-disconnected');

    // The first thumbnail fetched after the cable is back is cut off too: the card must retry it.
    let cut = 0;
    await ui.page.route('**/images/*/thumbnail', (route) =>
      cut++ === 0 ? route.abort('connectionreset') : route.continue(),
    );

    const outageStarted = cable.refusedAt[0] ?? Date.now();
    cable.restore();
    const restoredAt = Date.now();
    await ui.page.locator('[data-testid=connection][data-state=live]').waitFor({ timeout: 20_000 });
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 5_000 });
    const { body: ai } = await api.json<{ description: string; beauty_score: number }>(
      'GET',
      `/images/${id}/ai`,
    );
    await expect(lighthouse.getByTestId('caption').textContent()).resolves.toBe(ai.description);
    await expect(lighthouse.getByTestId('beauty').textContent()).resolves.toBe(
      `Beauty: ${ai.beauty_score}/100`,
    );
    const ocean = card(ui.page, 'ocean-waves.jpg');
    await ocean.locator('[data-status=READY]').waitFor({ timeout: 5_000 });
    await expect(ocean.getByTestId('caption').textContent()).resolves.toMatch(/^A photo showing /);
    const after = await ui.page.evaluate(() => ({ ...window.__pharosMetrics! }));
    expect(after.socketOpens).toBe(before.socketOpens + 1);
    await shot(ui.page, '21-reconnected');

    // Backoff, not a busy loop: delays of 0.25–0.5 s, 0.5–1 s, 1–2 s… allow about log2(outage) tries.
    const failedAttempts = after.socketAttempts - before.socketAttempts - 1;
    const outageMs = restoredAt - outageStarted;
    expect(failedAttempts).toBeGreaterThanOrEqual(1);
    expect(failedAttempts).toBeLessThanOrEqual(Math.ceil(Math.log2(outageMs / 250 + 1)) + 1);
    console.log(
      `reconnect: ${failedAttempts} failed socket attempts during a ${outageMs} ms outage (${cable.refusedAt.length} connections refused)`,
    );

    // And the socket is genuinely live again: a new run is followed without any reload.
    await ocean.getByRole('button', { name: 'Reprocess ocean-waves.jpg' }).click();
    await ocean.locator('[data-status=PROCESSING]').waitFor();
    await ocean.locator('[data-status=READY]').waitFor({ timeout: 20_000 });

    // Both thumbnails are shown, the one whose fetch was cut off included.
    for (const c of [lighthouse, ocean])
      await expect
        .poll(() => c.locator('img.thumb').getAttribute('src'), { timeout: 10_000 })
        .toMatch(/^blob:/);
    expect(cut).toBeGreaterThanOrEqual(2);

    // Chromium itself logs the refused socket handshakes, and any request the drop cut short;
    // anything else would be ours.
    const expected = [
      /WebSocket connection to 'ws:\/\/localhost:\d+\/ws\?token=[\w.-]+' failed/,
      /Failed to load resource: net::ERR_CONNECTION_(RESET|REFUSED) @ http:\/\/localhost:\d+\//,
    ];
    expect(ui.watch.unexpected(expected)).toEqual([]);
  });
});
