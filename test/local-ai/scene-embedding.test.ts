/**
 * The CNN embedding (MobileNetV2 shipped in the nsfwjs package) on real fixture photos, and the scene
 * labels the scene model gives with it. The photos used for the scene checks are in the evaluation's
 * validation half (scripts/eval/split.ts), so the scene model never saw them when it was fitted.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRgb } from '../../src/adapters/offline-ai/labels/decode.js';
import { embed } from '../../src/adapters/offline-ai/labels/embedding.js';
import {
  createLocalLabelDetector,
  warmUpLocalLabelModels,
} from '../../src/adapters/offline-ai/labels/index.js';
import type { Label } from '../../src/core/domain.js';
import { filterLabels } from '../../src/core/policies.js';

const PHOTOS = join(import.meta.dirname, '../fixtures/photos');
const realFetch = globalThis.fetch;
const fetched: string[] = [];

async function embedFile(file: string): Promise<number[]> {
  const rgb = await decodeRgb(new Uint8Array(await readFile(join(PHOTOS, file))));
  return embed(rgb.data, rgb.width, rgb.height);
}
async function labelsOf(file: string): Promise<Label[]> {
  const bytes = new Uint8Array(await readFile(join(PHOTOS, file)));
  const image = { bucket: 'test', key: file, contentType: 'image/jpeg', bytes: async () => bytes };
  return (await createLocalLabelDetector().detect(image, { signal: new AbortController().signal })).labels;
}
const names = (labels: Label[]) => labels.map((l) => l.name);

beforeAll(async () => {
  // Every model must come from the installed packages: any network fetch during loading is a failure.
  globalThis.fetch = ((input: unknown) => {
    fetched.push(String(input));
    return Promise.reject(new Error('no network in this test'));
  }) as typeof fetch;
  await warmUpLocalLabelModels();
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('CNN embedding', () => {
  it('loads from the installed package without fetching anything, once per process', () => {
    expect(fetched).toEqual([]);
    expect(warmUpLocalLabelModels()).toBe(warmUpLocalLabelModels());
  });

  it('gives a photo 1280 pooled activations, the same each time, and different photos different ones', async () => {
    const lake = await embedFile('lake-boats-evening-glow.jpg');
    expect(lake).toHaveLength(1280);
    expect(lake.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(lake.filter((v) => v > 0).length).toBeGreaterThan(100);
    expect(await embedFile('lake-boats-evening-glow.jpg')).toEqual(lake);
    const portrait = await embedFile('grace-hopper-portrait.jpg');
    const cosine =
      lake.reduce((a, v, j) => a + v * portrait[j]!, 0) / (Math.hypot(...lake) * Math.hypot(...portrait));
    expect(cosine).toBeLessThan(0.95);
  });
});

describe('scene labels with the embedding (photos the scene model was not fitted on)', () => {
  it('calls a lakeside landscape outdoors, not indoors', async () => {
    const labels = await labelsOf('lake-boats-evening-glow.jpg');
    expect(names(filterLabels(labels))).toContain('Outdoors');
    expect(names(labels)).not.toContain('Indoors');
  });

  it('does not call a studio portrait outdoors, and finds the person in it', async () => {
    const labels = await labelsOf('grace-hopper-portrait.jpg');
    expect(names(labels)).not.toContain('Outdoors');
    expect(names(filterLabels(labels))).toContain('Person');
  });

  it('names the provenance model with the embedding', async () => {
    const bytes = new Uint8Array(await readFile(join(PHOTOS, 'sheep-pasture.jpg')));
    const image = { bucket: 'test', key: 'sheep', contentType: 'image/jpeg', bytes: async () => bytes };
    const result = await createLocalLabelDetector().detect(image, { signal: new AbortController().signal });
    expect(result.provenance.model).toMatch(/centernet.*\+nsfwjs-mobilenet_v2/);
  });
});
