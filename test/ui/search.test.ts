/**
 * The search box in a real browser against the real server: typing (debounced) shows the matching
 * cards with the matched words marked, keeps the status filter and the sort, and an empty result says
 * what was searched.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  card,
  ensureWebBuild,
  launchBrowser,
  registerViaUi,
  shot,
  token,
  uploadViaPicker,
  watchConsole,
  type ConsoleWatch,
} from './support.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let watch: ConsoleWatch;
const FILES = ['lighthouse.jpg', 'coffee-cup.png', 'ocean-waves.jpg', 'forest-path.jpg'];
const searchBox = () => page.getByRole('searchbox', { name: 'Search photos' });
const titles = () => page.getByTestId('image-card').locator('h3').allTextContents();

beforeAll(async () => {
  ensureWebBuild();
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the search box', () => {
  it('shows the matching cards as you type, marks the words, keeps filters and says what found nothing', async () => {
    await registerViaUi(page, server.url);
    await uploadViaPicker(
      page,
      FILES.map((f) => path.join(PHOTOS, f)),
    );
    for (const file of FILES)
      await card(page, file)
        .locator('[data-testid=status-badge][data-status=READY]')
        .waitFor({ timeout: 30_000 });

    const api = new ApiClient(server.url, await token(page));
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
    const marked = await page.getByTestId('image-card').first().getByTestId('match').allTextContents();
    expect(marked.map((m) => m.toLowerCase())).toContain(typed.slice(1).toLowerCase());
    await shot(page, 'search-01-results');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The status filter and an explicit sort are kept while searching.
    await page.getByLabel('Status').selectOption('READY');
    await page.getByLabel('Sort by').selectOption('beauty');
    await expect.poll(() => searchBox().inputValue()).toBe(typed);
    const { body: byBeauty } = await api.json<{ items: { filename: string }[] }>(
      'GET',
      `/images?q=${encodeURIComponent(typed)}&status=READY&sort=beauty`,
    );
    await expect.poll(titles).toEqual(byBeauty.items.map((i) => i.filename));
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('READY');

    // Nothing found: the empty state names what was searched.
    await searchBox().fill('zebra crossing');
    await page.getByTestId('empty-gallery').filter({ hasText: '“zebra crossing”' }).waitFor();
    await shot(page, 'search-02-empty');

    // Clearing the box brings every photo back.
    await searchBox().fill('');
    await expect.poll(async () => (await titles()).length).toBe(FILES.length);
    expect(watch.unexpected()).toEqual([]);
  });
});
