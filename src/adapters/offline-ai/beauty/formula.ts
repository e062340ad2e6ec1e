/**
 * Beauty formula, version 1 (documented for humans in docs/beauty.md; keep the two in step).
 *
 * Every signal is mapped to a quality q in [0, 1] (1 = no problem) by a clamped ramp:
 *
 *   q_brisque     = ramp(brisque, 80 -> 0, 10 -> 1)          technical quality (OpenCV BRISQUE, LIVE model)
 *   q_sharpness   = ramp(log10(laplacianVariance), 1.0 -> 0.1, 2.3 -> 1)   a smooth photo keeps 0.1
 *   q_noise       = ramp(noiseSigma, 12 -> 0, 3 -> 1)         Immerkær estimate, 8-bit units
 *   q_exposure    = ramp(meanLuma, 0.04 -> 0, 0.22 -> 1) * ramp(meanLuma, 0.97 -> 0, 0.70 -> 1)
 *   q_clipping    = ramp(highlights + shadows / 2, 0.16 -> 0, 0.01 -> 1)
 *   q_contrast    = ramp(rmsContrast, 0.03 -> 0, 0.18 -> 1)
 *   q_colour      = ramp(colourfulness, 0 -> 0.4, 70 -> 1)    Hasler–Süsstrunk M; gray photos keep 0.4
 *   q_composition = composition                              0..1, ~0.5 when neutral
 *   q_resolution  = ramp(log(megapixels), log 0.002 -> 0, log 0.3 -> 1)   of the upload, not the working copy
 *
 *   technical = weighted geometric mean of the first eight q (each floored at 0.02), weights:
 *               brisque .27, sharpness .15, noise .10, exposure .14, clipping .10, contrast .12,
 *               colour .08, composition .04
 *   beauty    = 100 * technical * sqrt(q_resolution floored at 0.02)
 *   score     = round(beauty)
 *
 * A geometric mean means any single defect pulls the score down and no other strength can buy it
 * back, which is what makes every degradation (blur, noise, exposure, compression, downscaling)
 * lower the score. Resolution multiplies outside the mean: a thumbnail is poor however clean it is.
 */
import type { PixelSignals } from './signals.js';

export const FORMULA_VERSION = 'beauty-v3';

/** Linear ramp from (x0 -> y0) to (x1 -> y1), clamped to [min(y0,y1), max(y0,y1)]. */
export function ramp(x: number, x0: number, x1: number, y0 = 0, y1 = 1): number {
  if (!Number.isFinite(x)) return Math.min(y0, y1);
  const t = Math.min(1, Math.max(0, (x - x0) / (x1 - x0)));
  return y0 + t * (y1 - y0);
}

export interface BeautyInputs {
  brisque: number;
  signals: PixelSignals;
  /** Size of the upload as displayed (before the working downscale). */
  megapixels: number;
}

export interface BeautyComponents {
  brisque: number;
  sharpness: number;
  noise: number;
  exposure: number;
  clipping: number;
  contrast: number;
  colour: number;
  composition: number;
  resolution: number;
}

export const WEIGHTS: Readonly<Record<Exclude<keyof BeautyComponents, 'resolution'>, number>> = {
  brisque: 0.27,
  sharpness: 0.15,
  noise: 0.1,
  exposure: 0.14,
  clipping: 0.1,
  contrast: 0.12,
  colour: 0.08,
  composition: 0.04,
};

const FLOOR = 0.02;

export function beautyComponents({ brisque, signals: s, megapixels }: BeautyInputs): BeautyComponents {
  return {
    brisque: ramp(brisque, 80, 10),
    sharpness: ramp(Math.log10(Math.max(s.laplacianVariance, 1e-6)), 1.0, 2.3, 0.1, 1),
    noise: ramp(s.noiseSigma, 12, 3),
    exposure: ramp(s.meanLuma, 0.04, 0.22) * ramp(s.meanLuma, 0.97, 0.7),
    clipping: ramp(s.clippedHighlights + s.clippedShadows / 2, 0.16, 0.01),
    contrast: ramp(s.rmsContrast, 0.03, 0.18),
    colour: ramp(s.colourfulness, 0, 70, 0.4, 1),
    composition: Math.min(1, Math.max(0, s.composition)),
    resolution: ramp(Math.log(Math.max(megapixels, 1e-9)), Math.log(0.002), Math.log(0.3)),
  };
}

/** The v1 technical quality (0..100): the weighted geometric mean above. Kept in `raw` for audit. */
export function combine(components: BeautyComponents): number {
  let logSum = 0;
  for (const [key, weight] of Object.entries(WEIGHTS) as [keyof typeof WEIGHTS, number][]) {
    logSum += weight * Math.log(Math.max(FLOOR, components[key]));
  }
  const technical = Math.exp(logSum);
  return 100 * technical * Math.sqrt(Math.max(FLOOR, components.resolution));
}

/**
 * Formula v2 (docs/beauty.md). A clean photo's score is its predicted 1–10 rating (aesthetic-model.ts)
 * spread over the scale by a logistic curve centred on an ordinary snapshot (6 → 50, 8 → ~90); a
 * technical gate of the defect components multiplies it, so blur, noise, bad exposure, clipping,
 * compression and tiny size always cost. On clean photos the gate is ~1 (its ramps saturate).
 */
export const SPREAD = 1.1;
export const ORDINARY_RATING = 6;
const GATE: Readonly<Partial<Record<keyof BeautyComponents, number>>> = {
  sharpness: 0.15,
  noise: 0.1,
  exposure: 0.14,
  clipping: 0.1,
};

export function technicalGate(components: BeautyComponents, brisque: number, blockiness?: number): number {
  let logSum = 0;
  for (const [key, weight] of Object.entries(GATE) as [keyof BeautyComponents, number][]) {
    logSum += weight * Math.log(Math.max(FLOOR, components[key]));
  }
  // BRISQUE as a guard against compression and blur, mild because on the tuning half it did not
  // follow the ratings (clean photos measured 0–73): 45 → 1, 90 → 0.4. Chosen on the tuning half as
  // the best Spearman that still orders ≥ 95 % of degraded pairs (0.44 and 95 %).
  const brisqueGuard = ramp(brisque, 90, 45, 0.4, 1);
  return (
    Math.exp(logSum) *
    brisqueGuard *
    blockingGuard(blockiness) *
    Math.sqrt(Math.max(FLOOR, ramp(components.resolution, 0, 0.6)))
  );
}

/** Visible 8x8 JPEG blocks: none up to a ratio of 1.1, heavy at 1.6 and beyond. */
export function blockingGuard(blockiness: number | undefined): number {
  return blockiness === undefined ? 1 : ramp(blockiness, 1.6, 1.1, 0.5, 1);
}

/**
 * How hard the technical gate pulls: its square root. Chosen on the tuning half (gate powers 0, 0.5,
 * 0.75, 1, 1.5): the best Spearman with the ratings (0.64; 0.61 with the full gate) that still orders
 * ≥ 95 % of degraded pairs (96 %); without a gate only 87 % were ordered.
 */
const GATE_POWER = 0.5;

export function beautyV2(predictedRating: number, gate: number): number {
  const aesthetic = 1 / (1 + Math.exp(-SPREAD * (predictedRating - ORDINARY_RATING)));
  return 100 * aesthetic * gate ** GATE_POWER;
}
