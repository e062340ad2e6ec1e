/**
 * The evaluation set's bookkeeping (eval/README.md): every photo has one complete manifest row with a
 * licence and a rating, every row has its photo, the copies are the documented size, and the fixed
 * split gives both halves about the same number of photos.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../scripts/eval/manifest.js';
import { halfOf } from '../../scripts/eval/split.js';

const EVAL = join(import.meta.dirname, '../../eval');
const COLUMNS = [
  'file',
  'source_package',
  'original_path',
  'license',
  'width_x_height',
  'description',
  'labels',
  'quality_1_10',
  'text',
];

async function rows(): Promise<string[][]> {
  const text = await readFile(join(EVAL, 'MANIFEST.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.split('\t'));
}

describe('evaluation set', () => {
  it('has one complete row per photo and a photo per row', async () => {
    const [header, ...body] = await rows();
    expect(header).toEqual(COLUMNS);
    const photos = (await readdir(join(EVAL, 'photos'))).sort();
    expect(body.map((cells) => cells[0]).sort()).toEqual(photos);
    for (const cells of body) {
      expect(cells, cells[0]).toHaveLength(COLUMNS.length);
      const [, pkg, original, licence, , description, labels, quality] = cells;
      expect(pkg, cells[0]).toMatch(/^\S+ \(\S+\)$/);
      expect(original && licence && description, cells[0]).toBeTruthy();
      expect(labels?.split(';').filter((l) => l.trim()).length, cells[0]).toBeGreaterThanOrEqual(3);
      expect(Number(quality), cells[0]).toBeGreaterThanOrEqual(1);
      expect(Number(quality), cells[0]).toBeLessThanOrEqual(10);
    }
    expect(new Set(body.map((cells) => cells[2])).size).toBe(body.length); // no file taken twice
  });

  it('stores each copy at its recorded size, at most 1280 px on the longest side', async () => {
    const [, ...body] = await rows();
    for (const [file, , , , size] of body) {
      const meta = await sharp(join(EVAL, 'photos', file!)).metadata();
      expect(`${meta.width}x${meta.height}`, file).toBe(size);
      expect(Math.max(meta.width, meta.height), file).toBeLessThanOrEqual(1280);
    }
  });

  it('splits into two halves of about the same size, every photo labelled and rated', async () => {
    const manifest = await readManifest(EVAL);
    const tuning = [...manifest.keys()].filter((file) => halfOf(file) === 'tuning').length;
    expect(Math.abs(tuning - (manifest.size - tuning))).toBeLessThanOrEqual(manifest.size * 0.1);
    for (const entry of manifest.values()) {
      expect(entry.expectedLabels.length, entry.file).toBeGreaterThan(0);
      expect(entry.quality, entry.file).not.toBeNull();
    }
  });
});
