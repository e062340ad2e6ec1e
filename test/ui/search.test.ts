/**
 * The search box in a real browser against the real server: typing (debounced) shows the matching
 * cards with the matched words marked, keeps the status filter and the sort, and an empty result says
 * what was searched.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
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

const FILES = ['lighthouse.jpg', 'coffee-cup.png', 'ocean-waves.jpg', 'forest-path.jpg'];
const searchBox = () => ui.page.getByRole('searchbox', { name: 'Search photos' });
const titles = () => ui.page.getByTestId('image-card').locator('h3').allTextContents();

const ui = useUiSession();

describe('the search box', () => {
  it('shows the matching cards as you type, marks the words, keeps filters and says what found nothing', async () => {
    await registerViaUi(ui.page, ui.server.url);
    await uploadViaPicker(
      ui.page,
      FILES.map((f) => path.join(PHOTOS, f)),
    );
    for (const file of FILES)
      await card(ui.page, file)
        .locator('[data-testid=status-badge][data-status=READY]')
        .waitFor({ timeout: 30_000 });

    const api = new ApiClient(ui.server.url, await token(ui.page));
    const { body: all } = await api.json<{ items: { filename: string; tags: string[] }[] }>('GET', '/images');
    // A tag some photos have and others lack (the scripted tags come from each photo's bytes).
    const counts = new Map<string, number>();
    for (const item of all.items) for (const t of item.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    const tag = [...counts].find(([, n]) => n < all.items.length)![0];
    const expected = all.items.filter((i) => i.tags.includes(tag)).map((i) => i.filename);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(FILES.length);

    // Typed as a person would, with a # and in capitals, and only its first letters.
    const typed = `#${tag.slice(0, Math.max(3, tag.length - 1)).toUpperCase()}`;
    await searchBox().pressSequentially(typed, { delay: 40 });
    const { body: searched } = await api.json<{ items: { filename: string }[] }>(
      'GET',
      `/images?q=${encodeURIComponent(typed)}`,
    );
    expect(searched.items.map((i) => i.filename).sort()).toEqual(expect.arrayContaining(expected.sort()));
    await expect.poll(titles).toEqual(searched.items.map((i) => i.filename));
    // The matched part of the tag is marked on every card shown.
    const marked = await ui.page.getByTestId('image-card').first().getByTestId('match').allTextContents();
    expect(marked.map((m) => m.toLowerCase())).toContain(typed.slice(1).toLowerCase());
    await shot(ui.page, 'search-01-results');
    expect(await accessibilityViolations(ui.page)).toEqual([]);

    // The status filter and an explicit sort are kept while searching.
    await ui.page.getByLabel('Status').selectOption('READY');
    await ui.page.getByLabel('Sort by').selectOption('beauty');
    await expect.poll(() => searchBox().inputValue()).toBe(typed);
    const { body: byBeauty } = await api.json<{ items: { filename: string }[] }>(
      'GET',
      `/images?q=${encodeURIComponent(typed)}&status=READY&sort=beauty`,
    );
    await expect.poll(titles).toEqual(byBeauty.items.map((i) => i.filename));
    await expect.poll(() => ui.page.getByLabel('Status').inputValue()).toBe('READY');

    // Nothing found: the empty state names what was searched.
    await searchBox().fill('zebra crossing');
    await ui.page.getByTestId('empty-gallery').filter({ hasText: '“zebra crossing”' }).waitFor();
    await shot(ui.page, 'search-02-empty');

    // Clearing the box brings every photo back.
    await searchBox().fill('');
    await expect.poll(async () => (await titles()).length).toBe(FILES.length);
    expect(ui.watch.unexpected()).toEqual([]);
  });

  it('the detail view shows the photo’s EXIF, its position to the owner, and its near-duplicates', async () => {
    const fixture = path.join(PHOTOS, '../exif/camera-full.jpg');
    const copy = path.join(await mkdtemp(path.join(os.tmpdir(), 'pharos-ui-copy-')), 'camera-copy.jpg');
    await writeFile(
      copy,
      await sharp(await readFile(fixture))
        .rotate()
        .resize(200)
        .jpeg({ quality: 50 })
        .toBuffer(),
    );
    await ui.page.getByLabel('Status').selectOption('');
    await ui.page.getByLabel('Sort by').selectOption('created_at');
    await uploadViaPicker(ui.page, [fixture, copy]);
    await shot(ui.page, 'search-03-before');
    for (const name of ['camera-full.jpg', 'camera-copy.jpg'])
      await card(ui.page, name)
        .locator('[data-testid=status-badge][data-status=READY]')
        .waitFor({ timeout: 30_000 });
    await ui.page.getByLabel('Sort by').selectOption('taken_at');
    await card(ui.page, 'camera-full.jpg')
      .getByRole('button', { name: 'Details and timeline of camera-full.jpg' })
      .click();
    const facts = ui.page.getByTestId('photo-facts');
    await facts.filter({ hasText: 'Fixture One' }).waitFor();
    const text = await facts.textContent();
    expect(text).toContain('2024-06-01 19:42:10 UTC+02:00');
    expect(text).toContain('Pharos 35mm F2');
    expect(text).toContain('1/250 s · f/8 · ISO 100');
    expect(text).toContain('48.85823, -4.79167');
    await ui.page.getByTestId('duplicates').filter({ hasText: 'camera-copy.jpg' }).waitFor();
    await shot(ui.page, 'search-03-detail-exif');
    expect(await accessibilityViolations(ui.page)).toEqual([]);
    await ui.page.getByRole('button', { name: 'Close details' }).click();
  });
});
