/**
 * The seed's story in a real browser against the real server: register, upload lighthouse.jpg, see
 * "Processing…", and the finished card fills in by itself from the WebSocket — no reload, no polling.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, photo } from '../support/server.js';
import {
  accessibilityViolations,
  card,
  registerViaUi,
  shot,
  token,
  uploadViaPicker,
  watchConsole,
  useUiSession,
} from './support.js';

const tagInput = () => ui.page.getByRole('searchbox', { name: 'Tag' });
/** The server's 415 for the rejected text file is printed by Chromium as a failed resource load. */
const EXPECTED_REJECTION = /Failed to load resource: the server responded with a status of 415/;

// Labels take 1.5 s so that "Processing…" is on screen long enough to be seen.
const ui = useUiSession({ env: { PHAROS_SCRIPTED: JSON.stringify({ labels: { latencyMs: 1500 } }) } });

describe('the upload story in the browser', () => {
  it('register → upload lighthouse.jpg → Processing… → the card shows caption, tags and beauty without a reload', async () => {
    await ui.page.goto(ui.server.url);
    await shot(ui.page, '01-sign-in');
    expect(await accessibilityViolations(ui.page)).toEqual([]);
    await registerViaUi(ui.page, ui.server.url);
    await expect(ui.page.getByTestId('empty-gallery').textContent()).resolves.toContain('No photos yet');
    // A marker that a reload would wipe out.
    await ui.page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'lighthouse.jpg')]);
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse
      .locator('[data-testid=status-badge][data-status=PROCESSING]')
      .waitFor({ timeout: 10_000 });
    await expect(lighthouse.getByTestId('status-badge').textContent()).resolves.toMatch(/^Processing…/);
    await expect(ui.page.getByTestId('upload-item').first().textContent()).resolves.toContain('Uploaded');
    await shot(ui.page, '02-processing');

    await lighthouse.locator('[data-testid=status-badge][data-status=READY]').waitFor({ timeout: 20_000 });
    const id = await lighthouse.getAttribute('data-image-id');
    const api = new ApiClient(ui.server.url, await token(ui.page));
    const { body: ai } = await api.json<{ description: string; tags: string[]; beauty_score: number }>(
      'GET',
      `/images/${id}/ai`,
    );
    await expect(lighthouse.getByTestId('caption').textContent()).resolves.toBe(ai.description);
    expect(ai.description).toMatch(/^A photo showing /);
    const tags = await lighthouse.getByTestId('tags').getByRole('button').allTextContents();
    expect(tags).toEqual(ai.tags.map((t) => `#${t}`));
    expect(tags.length).toBeGreaterThan(0);
    await expect(lighthouse.getByTestId('beauty').textContent()).resolves.toBe(
      `Beauty: ${ai.beauty_score}/100`,
    );
    // The thumbnail came through an authorised fetch and shows as an object URL.
    await expect(lighthouse.locator('img.thumb').getAttribute('src')).resolves.toMatch(/^blob:/);
    expect(
      await lighthouse.locator('img.thumb').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    expect(
      await ui.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    // Screen readers heard about it.
    await ui.page.waitForFunction(
      () => document.querySelector('[data-testid=announcer]')?.textContent === 'lighthouse.jpg is ready',
    );
    await shot(ui.page, '03-ready-card');
    expect(await accessibilityViolations(ui.page)).toEqual([]);
  });

  it('details show labels with confidence bars, provenance and the execution timeline', async () => {
    const lighthouse = card(ui.page, 'lighthouse.jpg');
    await lighthouse.getByRole('button', { name: 'Details and timeline of lighthouse.jpg' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'lighthouse.jpg' });
    await dialog.getByTestId('timeline').waitFor();
    const bars = dialog.getByRole('meter', { name: /confidence$/ });
    expect(await bars.count()).toBeGreaterThan(3);
    const value = Number(await bars.first().getAttribute('aria-valuenow'));
    expect(value).toBeGreaterThanOrEqual(60);
    await expect(dialog.getByTestId('provenance').textContent()).resolves.toContain('scripted · scripted');
    const states = await dialog.locator('table.states tbody th').allTextContents();
    expect(states).toEqual(
      expect.arrayContaining(['DetectLabels', 'DescribeAndTag', 'ScoreBeauty', 'SaveResults', 'Notify']),
    );
    const labelsRow = dialog.locator('table.states tbody tr', {
      has: ui.page.getByRole('rowheader', { name: 'DetectLabels' }),
    });
    await expect(labelsRow.textContent()).resolves.toMatch(/SUCCEEDED/);
    // DetectLabels took the scripted 1.5 s.
    await expect(labelsRow.locator('td').nth(3).textContent()).resolves.toMatch(/^1\.\d\d s$/);
    await shot(ui.page, '04-details-timeline', false);
    expect(await accessibilityViolations(ui.page)).toEqual([]);
    await ui.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus went back to the button that opened the dialog.
    expect(await ui.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Details and timeline of lighthouse.jpg',
    );
  });

  it('many files at once by picker and by drag and drop; a rejected file shows the server’s own reason', async () => {
    const notAPhoto = path.join(os.tmpdir(), `not-a-photo-${process.pid}.txt`);
    await writeFile(notAPhoto, 'this is not an image\n');
    await uploadViaPicker(ui.page, [path.join(PHOTOS, 'forest-path.jpg'), notAPhoto]);
    // A real drop event carrying a file, as the browser builds it when a photo is dragged in.
    const bytes = (await photo('ocean-waves.jpg')).toString('base64');
    const dataTransfer = await ui.page.evaluateHandle((b64) => {
      const transfer = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([raw], 'ocean-waves.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, bytes);
    await ui.page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer });
    await ui.page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    const rejected = ui.page.getByTestId('upload-item').filter({ hasText: path.basename(notAPhoto) });
    const alert = rejected.getByRole('alert');
    await alert.waitFor();
    const api = new ApiClient(ui.server.url, await token(ui.page));
    const direct = await api.upload(new TextEncoder().encode('this is not an image\n'), 'x.txt');
    expect(direct.status).toBe(415);
    await expect(alert.textContent()).resolves.toBe(
      `${path.basename(notAPhoto)}: ${direct.body.error!.message}`,
    );
    await card(ui.page, 'forest-path.jpg').locator('[data-status=READY]').waitFor({ timeout: 20_000 });
    await card(ui.page, 'ocean-waves.jpg').locator('[data-status=READY]').waitFor({ timeout: 20_000 });
    expect(await ui.page.getByTestId('image-card').count()).toBe(3);
    await shot(ui.page, '05-gallery-three');
    expect(await accessibilityViolations(ui.page)).toEqual([]);
  });

  it('filters by status and tag, and sorts by beauty, through the API', async () => {
    const api = new ApiClient(ui.server.url, await token(ui.page));
    const { body: all } = await api.json<{
      items: { filename: string; tags: string[]; beauty_score: number }[];
    }>('GET', '/images');
    // The lighthouse's rarest tag: preferably one the other photos lack.
    const counts = new Map<string, number>();
    for (const item of all.items) for (const t of item.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    const lighthouseTags = all.items.find((i) => i.filename === 'lighthouse.jpg')!.tags;
    const tag = [...lighthouseTags].sort((a, b) => counts.get(a)! - counts.get(b)!)[0]!;

    await tagInput().fill(tag);
    await tagInput().press('Enter');
    const { body: tagged } = await api.json<{ items: { filename: string }[] }>('GET', `/images?tag=${tag}`);
    await expect
      .poll(() => ui.page.getByTestId('image-card').locator('h3').allTextContents())
      .toEqual(tagged.items.map((i) => i.filename));

    await tagInput().fill('');
    await ui.page.getByLabel('Sort by').selectOption('beauty');
    const { body: byBeauty } = await api.json<{ items: { filename: string }[] }>(
      'GET',
      '/images?sort=beauty',
    );
    await expect
      .poll(() => ui.page.getByTestId('image-card').locator('h3').allTextContents())
      .toEqual(byBeauty.items.map((i) => i.filename));

    await ui.page.getByLabel('Status').selectOption('FAILED');
    await ui.page
      .getByTestId('empty-gallery')
      .filter({ hasText: 'No photos match these filters.' })
      .waitFor();
    await ui.page.getByLabel('Status').selectOption('READY');
    await expect.poll(() => ui.page.getByTestId('image-card').count()).toBe(3);

    // Clicking a tag on a card filters by it.
    await ui.page.getByLabel('Status').selectOption('');
    await ui.page.getByLabel('Sort by').selectOption('created_at');
    await card(ui.page, 'lighthouse.jpg')
      .getByRole('button', { name: `Show photos tagged ${tag}` })
      .click();
    await expect.poll(() => tagInput().inputValue()).toBe(tag);
    await expect
      .poll(() => ui.page.getByTestId('image-card').locator('h3').allTextContents())
      .toEqual(tagged.items.map((i) => i.filename));
    await tagInput().fill('');
    await expect.poll(() => ui.page.getByTestId('image-card').count()).toBe(3);
  });

  it('reprocess runs again live, and delete removes the photo', async () => {
    const ocean = card(ui.page, 'ocean-waves.jpg');
    await ocean.getByRole('button', { name: 'Reprocess ocean-waves.jpg' }).click();
    await ocean.locator('[data-status=PROCESSING]').waitFor();
    await ocean.locator('[data-status=READY]').waitFor({ timeout: 20_000 });
    await expect(ocean.getByTestId('beauty').textContent()).resolves.toMatch(/^Beauty: \d{1,3}\/100$/);

    const forest = card(ui.page, 'forest-path.jpg');
    await forest.getByRole('button', { name: 'Delete forest-path.jpg' }).click();
    await forest.getByRole('button', { name: 'Confirm: delete forest-path.jpg for good' }).click();
    await forest.waitFor({ state: 'detached' });
    const api = new ApiClient(ui.server.url, await token(ui.page));
    const { body } = await api.json<{ items: { filename: string }[] }>('GET', '/images');
    expect(body.items.map((i) => i.filename).sort()).toEqual(['lighthouse.jpg', 'ocean-waves.jpg']);
  });

  it('fits a phone screen', async () => {
    const phone = await ui.browser.newPage({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const phoneWatch = watchConsole(phone);
    await phone.goto(ui.server.url);
    await phone.evaluate((t) => sessionStorage.setItem('pharos.session', JSON.stringify(t)), {
      token: await token(ui.page),
      user_id: 'x',
      username: 'phone',
    });
    await phone.reload();
    await card(phone, 'lighthouse.jpg').locator('[data-status=READY]').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, '06-phone-gallery');
    expect(await accessibilityViolations(phone)).toEqual([]);
    await card(phone, 'lighthouse.jpg')
      .getByRole('button', { name: /^Details/ })
      .click();
    await phone.getByRole('dialog').getByTestId('timeline').waitFor();
    await shot(phone, '07-phone-details', false);
    expect(phoneWatch.unexpected()).toEqual([]);
    await phone.close();
  });

  it('a second user sees none of the first user’s photos, not even live', async () => {
    const first = new ApiClient(ui.server.url, await token(ui.page));
    const context = await ui.browser.newContext();
    const other = await context.newPage();
    const otherWatch = watchConsole(other);
    await registerViaUi(other, ui.server.url);
    await other.getByTestId('empty-gallery').waitFor();
    // The first user uploads while the second is watching: nothing reaches the second page.
    const upload = await first.upload(await photo('lighthouse.jpg'), 'private.jpg');
    await first.waitForStatus(upload.body.image_id, ['READY']);
    await card(ui.page, 'private.jpg').locator('[data-status=READY]').waitFor();
    expect(await other.getByTestId('image-card').count()).toBe(0);
    expect(await other.locator(`[data-image-id="${upload.body.image_id}"]`).count()).toBe(0);
    await other.reload();
    await other.getByTestId('empty-gallery').waitFor();
    await shot(other, '08-second-user-empty');
    expect(otherWatch.unexpected()).toEqual([]);
    await context.close();
  });

  it('signing out forgets the session', async () => {
    await ui.page.getByRole('button', { name: 'Sign out' }).click();
    await ui.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await ui.page.evaluate(() => sessionStorage.getItem('pharos.session'))).toBeNull();
    await ui.page.reload();
    await ui.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(ui.watch.unexpected([EXPECTED_REJECTION])).toEqual([]);
  });
});
