/**
 * A provider failure in the browser: the describer rejects the photo's first request (a permanent
 * error, no retries), the card says why, and Retry brings it to READY — all live.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS } from '../support/server.js';
import {
  accessibilityViolations,
  card,
  registerViaUi,
  shot,
  token,
  uploadViaPicker,
  useUiSession,
} from './support.js';

// The describer fails each photo's first call permanently; labels are slow enough to watch.
const ui = useUiSession({
  env: {
    PHAROS_SCRIPTED: JSON.stringify({ describer: { failures: ['permanent'] }, labels: { latencyMs: 600 } }),
  },
});

describe('a provider failure in the browser', () => {
  it('shows the reason, and Retry brings the photo to READY', async () => {
    await registerViaUi(ui.page, ui.server.url);
    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse.locator('[data-status=PROCESSING]').waitFor({ timeout: 10_000 });
    await lighthouse.locator('[data-status=FAILED]').waitFor({ timeout: 20_000 });

    const id = (await lighthouse.getAttribute('data-image-id'))!;
    const api = new ApiClient(ui.server.url, await token(ui.page));
    const { body: ai } = await api.json<{ status: string; error: string }>('GET', `/images/${id}/ai`);
    expect(ai.status).toBe('FAILED');
    const failure = await lighthouse.getByTestId('failure').textContent();
    expect(failure).toContain(ai.error);
    expect(failure).toContain('scripted: request rejected (400)');
    expect(await lighthouse.getByTestId('caption').count()).toBe(0);
    await shot(ui.page, '10-failed-card');
    expect(await accessibilityViolations(ui.page)).toEqual([]);

    // The timeline tells the same story: DescribeAndTag failed, then MarkFailed.
    await lighthouse.getByRole('button', { name: 'Details and timeline of lighthouse.jpg' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'lighthouse.jpg' });
    const describeRow = dialog.locator('table.states tbody tr', {
      has: ui.page.getByRole('rowheader', { name: 'DescribeAndTag' }),
    });
    await describeRow.waitFor();
    await expect(describeRow.textContent()).resolves.toMatch(/FAILED.*scripted: request rejected \(400\)/);
    await dialog.getByRole('rowheader', { name: 'MarkFailed' }).waitFor();
    await shot(ui.page, '11-failed-timeline', false);
    await dialog.getByRole('button', { name: 'Close details' }).click();
    await dialog.waitFor({ state: 'detached' });

    const retry = lighthouse.getByRole('button', { name: 'Retry lighthouse.jpg' });
    await retry.click();
    await lighthouse.locator('[data-status=PROCESSING]').waitFor();
    expect(await lighthouse.getByTestId('failure').count()).toBe(0);
    await lighthouse.locator('[data-status=READY]').waitFor({ timeout: 20_000 });
    const { body: after } = await api.json<{ description: string; beauty_score: number }>(
      'GET',
      `/images/${id}/ai`,
    );
    await expect(lighthouse.getByTestId('caption').textContent()).resolves.toBe(after.description);
    await expect(lighthouse.getByTestId('beauty').textContent()).resolves.toBe(
      `Beauty: ${after.beauty_score}/100`,
    );
    await shot(ui.page, '12-retried-ready');

    // Two executions now: the retry on top, succeeded; the first one failed.
    await lighthouse.getByRole('button', { name: 'Details and timeline of lighthouse.jpg' }).click();
    const executions = ui.page.getByRole('dialog').locator('.execution');
    await expect.poll(() => executions.count()).toBe(2);
    await expect(executions.nth(0).locator('.execution__head .run').textContent()).resolves.toBe('SUCCEEDED');
    await expect(executions.nth(1).locator('.execution__head .run').textContent()).resolves.toBe('FAILED');
    expect(ui.watch.unexpected()).toEqual([]);
  });
});
