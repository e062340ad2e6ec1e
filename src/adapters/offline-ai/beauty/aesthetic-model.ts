/**
 * The aesthetic part of beauty formula v2: a person's 1–10 rating predicted from the scorer's own
 * measurements by a ridge regression with non-negative weights, fitted on the evaluation's tuning
 * half only (scripts/eval/fit-beauty.ts; 167 photos, λ = 5 by 4-fold cross-validated Spearman, its
 * degraded copies as ranking constraints). On those photos pixel count (up to 2 MP), subject
 * isolation (a sharp subject on a soft background), saturation, contrast and sharpness carried the
 * judgement; BRISQUE, which rewards texture, did not, so it only guards technical quality.
 */
import type { BeautyComponents } from './formula.js';
import type { PixelSignals } from './signals.js';

const floorLog = (q: number) => Math.log(Math.max(0.02, q));

/**
 * Pixel count matters up to about 2 MP: below it a photo is a thumbnail, an old scan or a small web
 * copy (on the tuning half size alone followed the ratings with Spearman 0.46); above, size says
 * nothing about the photograph, so every camera or phone photo gets the same value.
 */
const SIZE_CAP_MEGAPIXELS = 2;

/** The features, in the order of AESTHETIC_MODEL's weights. */
export function aestheticFeatures(c: BeautyComponents, s: PixelSignals, megapixels: number): number[] {
  return [
    Math.log1p(s.colourfulness),
    floorLog(c.exposure),
    floorLog(c.contrast),
    floorLog(c.resolution),
    floorLog(c.sharpness),
    floorLog(c.noise),
    floorLog(c.clipping),
    Math.log(Math.min(8, Math.max(0.5, s.subjectIsolation ?? 1))),
    s.meanSaturation ?? 0,
    Math.log(Math.min(SIZE_CAP_MEGAPIXELS, Math.max(0.002, megapixels))),
  ];
}

export const AESTHETIC_MODEL = {
  intercept: 5.952,
  weights: [0.018, 0.091, 0.223, 0, 0.167, 0.069, 0, 0.282, 0.254, 0.902],
  mean: [3.597, -0.027, -0.101, -0.062, -0.097, -0.138, -0.14, 0.342, 0.358, -0.868],
  sd: [0.837, 0.109, 0.269, 0.122, 0.336, 0.45, 0.502, 0.499, 0.197, 0.943],
} as const;

/** The predicted 1–10 rating. */
export function predictedRating(c: BeautyComponents, s: PixelSignals, megapixels: number): number {
  const x = aestheticFeatures(c, s, megapixels);
  return x.reduce(
    (sum, v, j) =>
      sum +
      (AESTHETIC_MODEL.weights[j] ?? 0) *
        ((v - (AESTHETIC_MODEL.mean[j] ?? 0)) / (AESTHETIC_MODEL.sd[j] ?? 1)),
    AESTHETIC_MODEL.intercept,
  );
}
