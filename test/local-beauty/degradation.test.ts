/**
 * Behaviour of the whole local scorer (decode -> BRISQUE + signals -> formula), through the port.
 * Degraded copies are generated here with sharp, so nothing is precomputed: each copy must score
 * lower than its original, and the fixture photos known to be poor must score below the good ones.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorNames, PipelineError } from '../../src/core/errors.js';
import type { ImageInput } from '../../src/core/ports/index.js';
import {
  createLocalBeautyScorer,
  scoreBeautyFromPixels,
  WORKING_MAX_SIDE,
} from '../../src/adapters/offline-ai/beauty/index.js';

const photos = fileURLToPath(new URL('../fixtures/photos/', import.meta.url));
const scorer = createLocalBeautyScorer();

function input(bytes: Uint8Array, key = 'uploads/u/i'): ImageInput {
  return { bucket: 'test', key, contentType: 'image/*', bytes: async () => bytes };
}

async function scoreBytes(bytes: Uint8Array): Promise<number> {
  const result = await scorer.score(input(bytes), { signal: new AbortController().signal });
  if (result.score === null) throw new Error('no score');
  return result.score;
}

/** Deterministic standard normal samples (LCG + Box–Muller), so the noise is the same every run. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

type Degradation =
  'gaussian-blur' | 'noise' | 'under-exposure' | 'over-exposure' | 'jpeg-q10' | 'downscale-8x';
const DEGRADATIONS: Degradation[] = [
  'gaussian-blur',
  'noise',
  'under-exposure',
  'over-exposure',
  'jpeg-q10',
  'downscale-8x',
];

/**
 * Strengths are set relative to a 1024-pixel view (blur radius and noise grow with the photo), so
 * a degradation is equally visible on a 0.3 MP and a 12 MP photo.
 */
async function degrade(original: Buffer, kind: Degradation): Promise<Buffer> {
  const meta = await sharp(original).metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const k = Math.max(1, Math.max(width, height) / 1024);
  const base = sharp(original).rotate();
  switch (kind) {
    case 'gaussian-blur':
      return base
        .blur(2.5 * k)
        .png()
        .toBuffer();
    case 'noise': {
      const { data, info } = await base.removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const next = gaussian(42);
      const sigma = 25 * Math.sqrt(k);
      for (let i = 0; i < data.length; i++)
        data[i] = Math.max(0, Math.min(255, Math.round(data[i]! + sigma * next())));
      return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .png()
        .toBuffer();
    }
    case 'under-exposure':
      return base.linear(0.3, 0).png().toBuffer();
    case 'over-exposure':
      return base.linear(2.2, 30).png().toBuffer();
    case 'jpeg-q10':
      return base.jpeg({ quality: 10 }).toBuffer();
    case 'downscale-8x':
      return base
        .resize(Math.max(1, Math.round(width / 8)))
        .png()
        .toBuffer();
  }
}

const REPRESENTATIVE = [
  'lighthouse.jpg',
  'dahlia-flower.jpg',
  'castle-maintenon.jpg',
  'ocean-waves.jpg',
  'sheep-pasture.jpg',
  'dog-bicycle-truck.jpg',
  'fruits.jpg',
  'coffee-cup.png',
  'grace-hopper-portrait.jpg',
  'street-old-town-leuven.jpg',
  'astronaut-portrait.png',
  'motorcycle-garage.png',
  'lake-boats-evening-glow.jpg',
  'mountain-lake-reflection.jpg',
];
const POOR = [
  'text-defocus-blur.jpg',
  'tiny-lowres-portrait.jpg',
  'derived-noisy-coffee-cup.jpg',
  'derived-underexposed-street-leuven.jpg',
];
const GOOD = [
  'lighthouse.jpg',
  'dahlia-flower.jpg',
  'castle-maintenon.jpg',
  'sheep-pasture.jpg',
  'grace-hopper-portrait.jpg',
  'street-old-town-leuven.jpg',
  'dog-bicycle-truck.jpg',
  'coffee-cup.png',
  'mountain-lake-reflection.jpg',
];

describe('local beauty scorer: degradations score lower', () => {
  const pairs: { photo: string; kind: Degradation; original: number; degraded: number }[] = [];

  beforeAll(async () => {
    for (const photo of REPRESENTATIVE) {
      const original = readFileSync(`${photos}${photo}`);
      const originalScore = await scoreBytes(original);
      for (const kind of DEGRADATIONS) {
        pairs.push({
          photo,
          kind,
          original: originalScore,
          degraded: await scoreBytes(await degrade(original, kind)),
        });
      }
    }
  }, 300_000);

  it('orders at least 90% of (original, degraded) pairs correctly', () => {
    expect(pairs).toHaveLength(REPRESENTATIVE.length * DEGRADATIONS.length);
    const wrong = pairs.filter((p) => !(p.degraded < p.original));
    const fraction = 1 - wrong.length / pairs.length;
    console.info(
      `degradation ordering: ${pairs.length - wrong.length}/${pairs.length} = ${(fraction * 100).toFixed(1)}%` +
        (wrong.length
          ? `; misordered: ${wrong.map((p) => `${p.photo}/${p.kind} ${p.degraded}>=${p.original}`).join(', ')}`
          : ''),
    );
    expect(fraction).toBeGreaterThanOrEqual(0.9);
  });

  it.each(DEGRADATIONS)('%s lowers the score for most photos', (kind) => {
    const ofKind = pairs.filter((p) => p.kind === kind);
    const ordered = ofKind.filter((p) => p.degraded < p.original).length;
    expect(ordered / ofKind.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe('local beauty scorer: poor photos score below good ones', () => {
  it('every deliberately poor photo is below every good photo', async () => {
    const scores = new Map<string, number>();
    for (const photo of [...POOR, ...GOOD])
      scores.set(photo, await scoreBytes(readFileSync(`${photos}${photo}`)));
    console.info(`beauty scores: ${[...scores].map(([p, s]) => `${p}=${s}`).join(', ')}`);
    const worstGood = Math.min(...GOOD.map((p) => scores.get(p)!));
    const bestPoor = Math.max(...POOR.map((p) => scores.get(p)!));
    expect(bestPoor).toBeLessThan(worstGood);
  }, 120_000);
});

describe('local beauty scorer: port contract', () => {
  it('returns an integer 0-100, raw components and provenance', async () => {
    const result = await scorer.score(input(readFileSync(`${photos}dahlia-flower.jpg`)), {
      signal: new AbortController().signal,
    });
    expect(scorer.name).toBe('local');
    expect(Number.isInteger(result.score)).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(100);
    expect(result.provenance).toEqual({ provider: 'local', model: 'brisque-live+aesthetics', version: '1' });
    const raw = result.raw as Record<string, unknown>;
    expect(raw).toMatchObject({ formulaVersion: 'beauty-v3', originalSize: { width: 640, height: 427 } });
    expect(typeof raw.brisque).toBe('number');
    expect(Object.keys(raw.components as object).sort()).toEqual([
      'brisque',
      'clipping',
      'colour',
      'composition',
      'contrast',
      'exposure',
      'noise',
      'resolution',
      'sharpness',
    ]);
    expect(Math.round(raw.beauty as number)).toBe(result.score);
  });

  it('honours EXIF orientation', async () => {
    const upright = readFileSync(`${photos}castle-maintenon.jpg`);
    // Rotate the pixels 90° and tag orientation 8 (display: rotate 270° cw), which restores them.
    const tagged = await sharp(upright)
      .rotate(90)
      .withMetadata({ orientation: 8 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const result = await scorer.score(input(tagged), { signal: new AbortController().signal });
    expect((result.raw as { originalSize: unknown }).originalSize).toEqual({ width: 1024, height: 681 });
  });

  it('downscales large photos to the working size before scoring', async () => {
    const result = await scorer.score(input(readFileSync(`${photos}mountain-lake-reflection.jpg`)), {
      signal: new AbortController().signal,
    });
    expect((result.raw as { workingSize: unknown }).workingSize).toEqual({
      width: WORKING_MAX_SIDE,
      height: (WORKING_MAX_SIDE * 3) / 4,
    });
    expect((result.raw as { originalSize: unknown }).originalSize).toEqual({ width: 4032, height: 3024 });
  });

  it('throws a permanent error for undecodable input', async () => {
    const bad = new TextEncoder().encode('this is not an image');
    const error = await scorer
      .score(input(bad), { signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).name).toBe(ErrorNames.Permanent);
    const truncated = readFileSync(`${photos}lighthouse.jpg`).subarray(0, 2000);
    const error2 = await scorer
      .score(input(truncated), { signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect((error2 as PipelineError).name).toBe(ErrorNames.Permanent);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('timeout'));
    await expect(
      scorer.score(input(readFileSync(`${photos}lighthouse.jpg`)), { signal: controller.signal }),
    ).rejects.toThrow('timeout');
  });

  it('scores pixels directly, identically to the adapter for a small photo', async () => {
    const bytes = readFileSync(`${photos}fruits.jpg`);
    const { data, info } = await sharp(bytes)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const direct = scoreBeautyFromPixels({
      width: info.width,
      height: info.height,
      channels: info.channels,
      data,
    });
    expect(direct.score).toBe(await scoreBytes(bytes));
    // A gray image has no colour; a flat image has no contrast, detail or BRISQUE-measurable structure.
    const flat = scoreBeautyFromPixels({
      width: 64,
      height: 64,
      channels: 1,
      data: new Uint8Array(64 * 64).fill(128),
    });
    expect(flat.score).toBeLessThan(direct.score);
    expect(flat.raw.signals.colourfulness).toBe(0);
  });
});
