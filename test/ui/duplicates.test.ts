/**
 * "Group duplicates" in a real browser against the real server: a photo and its resized,
 * recompressed copy stack under one card with a count, the stack lists both, and an unrelated photo
 * keeps its own card; turning grouping off shows every photo again.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PHOTOS } from '../support/server.js';
import {
  accessibilityViolations,
  card,
  registerViaUi,
  shot,
  uploadViaPicker,
  useUiSession,
} from './support.js';

const ui = useUiSession();
const titles = async () => (await ui.page.getByTestId('image-card').locator('h3').allTextContents()).sort();

describe('grouping near-duplicates in the gallery', () => {
  it('stacks a photo and its copy under one card with a count, and lists them on request', async () => {
    const original = path.join(PHOTOS, 'lighthouse.jpg');
    const copy = path.join(await mkdtemp(path.join(os.tmpdir(), 'pharos-ui-dup-')), 'lighthouse-small.jpg');
    await writeFile(
      copy,
      await sharp(await readFile(original))
        .resize(320)
        .jpeg({ quality: 45 })
        .toBuffer(),
    );
    const unrelated = path.join(PHOTOS, 'coffee-cup.png');

    await registerViaUi(ui.page, ui.server.url);
    await uploadViaPicker(ui.page, [original, copy, unrelated]);
    const names = ['lighthouse.jpg', 'lighthouse-small.jpg', 'coffee-cup.png'];
    for (const name of names)
      await card(ui.page, name)
        .locator('[data-testid=status-badge][data-status=READY]')
        .waitFor({ timeout: 30_000 });
    expect(await titles()).toEqual([...names].sort());

    await ui.page.getByRole('checkbox', { name: 'Group duplicates' }).check();
    // Two cards: one for the lighthouse and its copy (whichever is newer), one for the coffee cup.
    await expect.poll(async () => (await titles()).length).toBe(2);
    const shown = await titles();
    expect(shown).toContain('coffee-cup.png');
    const stacks = ui.page.getByTestId('duplicate-stack');
    expect(await stacks.count()).toBe(1);
    const toggle = stacks.getByRole('button', { name: /Show all 2 near-duplicate photos/ });
    await toggle.click();
    const members = stacks.getByTestId('stack-members');
    await members.filter({ hasText: 'lighthouse-small.jpg' }).waitFor();
    expect((await members.locator('li').allTextContents()).sort()).toEqual([
      'lighthouse-small.jpg',
      'lighthouse.jpg',
    ]);
    expect(await stacks.getByRole('button', { name: /Hide all 2/ }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    await shot(ui.page, 'duplicates-01-grouped');
    expect(await accessibilityViolations(ui.page)).toEqual([]);

    // A member opens its own details.
    await members.getByRole('button', { name: 'lighthouse-small.jpg' }).click();
    await ui.page.getByTestId('detail').getByRole('heading', { name: 'lighthouse-small.jpg' }).waitFor();
    await ui.page.getByRole('button', { name: 'Close details' }).click();

    await ui.page.getByRole('checkbox', { name: 'Group duplicates' }).uncheck();
    await expect.poll(titles).toEqual([...names].sort());
    expect(await ui.page.getByTestId('duplicate-stack').count()).toBe(0);
    expect(ui.watch.unexpected()).toEqual([]);
  });
});
