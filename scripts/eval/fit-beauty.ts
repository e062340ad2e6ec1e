/**
 * `npx tsx scripts/eval/fit-beauty.ts`: fits the aesthetic part of the beauty formula (a ridge
 * regression of the 1–10 rating on the scorer's raw signals, weights kept ≥ 0 so that no defect can
 * raise a score) on the TUNING half only, from the measurements `npm run eval` cached, and prints the
 * constants for src/adapters/offline-ai/beauty/aesthetic-model.ts. The validation half is never read.
 * The tuning half's degraded copies (scripts/eval/degrade.ts) enter as ranking constraints: a hinge
 * loss whenever a copy's predicted rating is not PAIR_MARGIN below its original's, so that fitting
 * the ratings cannot teach the formula to prefer a blocky, noisy or blown-out copy.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aestheticFeatures, type BeautyRaw } from '../../src/adapters/offline-ai/beauty/index.js';
import { createScorer, measurePairs, rawOf, type PairRaw } from './beauty-pairs.js';
import { cached } from './cache.js';
import { contentTypeOf } from './image-input.js';
import { isAlreadyPoor, readManifest } from './manifest.js';
import { FOLDS } from './logistic.js';
import { halfOf } from './split.js';
import { spearman } from './stats.js';

const LAMBDAS = [1, 5, 20, 50];
const STEPS = 5000;
const RATE = 0.05;
/** Weight of the pair hinge against the rating error, and the rating gap it asks for. */
const PAIR_WEIGHT = 1;
const PAIR_MARGIN = 0.25;

/** A tuning photo's standardised features and those of one of its degraded copies. */
interface Pair {
  photo: number;
  original: number[];
  degraded: number[];
}

const rate = (w: readonly number[], z: readonly number[]) => z.reduce((a, v, j) => a + v * w[j + 1]!, w[0]!);

/** Ridge regression plus the pair hinge, by projected gradient descent, weights kept ≥ 0 (the intercept free). */
function ridge(
  zs: readonly number[][],
  ys: readonly number[],
  lambda: number,
  pairs: readonly Pair[],
): number[] {
  const d = zs[0]?.length ?? 0;
  const w = new Array<number>(d + 1).fill(0);
  w[0] = ys.reduce((a, b) => a + b, 0) / ys.length;
  for (let step = 0; step < STEPS; step++) {
    const grad = new Array<number>(d + 1).fill(0);
    zs.forEach((z, i) => {
      const error = rate(w, z) - ys[i]!;
      grad[0]! += error;
      z.forEach((v, j) => (grad[j + 1]! += error * v));
    });
    const scale = (PAIR_WEIGHT * zs.length) / Math.max(1, pairs.length);
    for (const pair of pairs) {
      if (rate(w, pair.original) - rate(w, pair.degraded) >= PAIR_MARGIN) continue;
      pair.original.forEach((v, j) => (grad[j + 1]! -= scale * (v - pair.degraded[j]!)));
    }
    for (let j = 0; j <= d; j++) {
      w[j]! -= RATE * (grad[j]! / zs.length + (j ? (lambda * w[j]!) / zs.length : 0));
      if (j) w[j] = Math.max(0, w[j]!);
    }
  }
  return w;
}

async function main(): Promise<void> {
  const manifest = await readManifest('eval');
  const scorer = createScorer();
  const xs: number[][] = [];
  const ys: number[] = [];
  const rawPairs: Pair[] = [];
  const featuresOf = (raw: Pick<BeautyRaw, 'components' | 'signals' | 'originalSize'>) =>
    aestheticFeatures(raw.components, raw.signals, (raw.originalSize.width * raw.originalSize.height) / 1e6);
  for (const [file, entry] of manifest) {
    if (halfOf(file) !== 'tuning' || entry.quality === null) continue;
    const bytes = new Uint8Array(await readFile(join('eval', 'photos', file)));
    const raw = await cached<BeautyRaw>('beauty', bytes, false, () =>
      rawOf(scorer, file, bytes, contentTypeOf(file)),
    );
    if (!isAlreadyPoor(entry)) {
      const measured = await cached<PairRaw[]>('pairs', bytes, false, () =>
        measurePairs(scorer, file, bytes),
      );
      for (const pair of measured)
        rawPairs.push({
          photo: xs.length,
          original: featuresOf(pair.original),
          degraded: featuresOf(pair.degraded),
        });
    }
    xs.push(featuresOf(raw));
    ys.push(entry.quality);
  }
  const d = xs[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((a, x) => a + x[j]!, 0) / xs.length);
  const sd = Array.from({ length: d }, (_, j) =>
    Math.max(1e-6, Math.sqrt(xs.reduce((a, x) => a + (x[j]! - mean[j]!) ** 2, 0) / xs.length)),
  );
  const standardise = (x: readonly number[]) => x.map((v, j) => (v - mean[j]!) / sd[j]!);
  const zs = xs.map(standardise);
  const pairs = rawPairs.map((p) => ({
    photo: p.photo,
    original: standardise(p.original),
    degraded: standardise(p.degraded),
  }));
  // λ by 4-fold cross-validated Spearman within the tuning half.
  const scored = LAMBDAS.map((lambda) => {
    const predicted = new Array<number>(zs.length).fill(0);
    for (let fold = 0; fold < FOLDS; fold++) {
      const keep = (_: unknown, i: number) => i % FOLDS !== fold;
      const wf = ridge(
        zs.filter(keep),
        ys.filter(keep),
        lambda,
        pairs.filter((p) => keep(null, p.photo)),
      );
      zs.forEach((z, i) => {
        if (i % FOLDS === fold) predicted[i] = rate(wf, z);
      });
    }
    return { lambda, rho: spearman(predicted, ys) };
  });
  const best = scored.reduce((a, b) => (b.rho > a.rho ? b : a));
  console.error(scored.map((x) => `λ ${x.lambda}: CV Spearman ${x.rho.toFixed(3)}`).join('; '));
  const w = ridge(zs, ys, best.lambda, pairs);
  const ordered = pairs.filter((p) => rate(w, p.original) > rate(w, p.degraded)).length;
  console.error(`predicted rating lower for the degraded copy in ${ordered}/${pairs.length} tuning pairs`);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  console.log(
    JSON.stringify({
      photos: xs.length,
      lambda: best.lambda,
      intercept: r(w[0]!),
      weights: w.slice(1).map(r),
      mean: mean.map(r),
      sd: sd.map(r),
    }),
  );
}

await main();
