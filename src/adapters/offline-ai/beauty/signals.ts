/**
 * Pixel statistics that stand in for "aesthetic" judgement: exposure and clipping, contrast,
 * colourfulness, sharpness, noise and a crude composition measure. All are cheap single passes
 * over an 8-bit image and are computed at the scorer's working resolution, so that
 * resolution-dependent measures (sharpness, noise) are comparable between photos.
 */
import { laplacianSums, type LaplacianSums } from '../laplacian.js';
import { grayFromRgb } from './opencv-ops.js';

export interface PixelSignals {
  /** Mean luma, 0 (black) to 1 (white). */
  meanLuma: number;
  /** Fraction of pixels with luma <= 4 (crushed shadows). */
  clippedShadows: number;
  /** Fraction of pixels with luma >= 251 (blown highlights). */
  clippedHighlights: number;
  /** RMS contrast: standard deviation of luma / 255. */
  rmsContrast: number;
  /** Luma spread between the 2nd and 98th percentile, / 255. */
  dynamicRange: number;
  /** Hasler & Süsstrunk (2003) colourfulness M, 0 for gray; ~15 "slightly", ~60 "highly", >100 "extremely". */
  colourfulness: number;
  /** Variance of the 4-neighbour Laplacian of luma (8-bit units). */
  laplacianVariance: number;
  /** Sharpness relative to noise: mean gradient energy of a 2x-downsampled luma, see `sharpnessIndex`. */
  sharpness: number;
  /** Immerkær (1996) fast noise estimate, sigma in 8-bit units. */
  noiseSigma: number;
  /**
   * 0..1: how close the centroid of edge energy sits to a rule-of-thirds power point or the
   * centre, weighted by how concentrated that energy is (a flat or uniform texture scores ~0.5).
   */
  composition: number;
  /**
   * Mean |Laplacian| of luma in the central 40 % box ÷ the same outside it: well above 1 when a sharp
   * subject stands against a soft background (shallow depth of field), about 1 when evenly sharp.
   */
  subjectIsolation: number;
  /** Mean HSV saturation, 0..1. */
  meanSaturation: number;
  /**
   * JPEG blocking: mean |luma step| across the 8-pixel grid ÷ mean |luma step| elsewhere. About 1 for
   * clean photos; heavy compression makes the 8x8 block edges visible and pushes it well above 1.
   */
  blockiness: number;
}

/**
 * Computes all signals. `pixels` is interleaved 8-bit gray/RGB(A); `channels` 1-4. `gray` (BT.601
 * luma, as `grayFromRgb` makes it) can be passed in when the caller already has it.
 *
 * Passes are fused where they read the same pixels in the same order (one over the colours, one
 * Laplacian pass, one 3x3 pass); every float sum still accumulates in row-major order, so the values
 * are exactly those of one loop per signal.
 */
export function computeSignals(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  gray: Uint8Array = grayFromRgb(pixels, width, height, channels),
): PixelSignals {
  const n = width * height;

  // Luma histogram: mean, spread, percentiles, clipping.
  const hist = new Float64Array(256);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = gray[i]!;
    hist[v]!++;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);
  const percentile = (p: number): number => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= p * n) return v;
    }
    return 255;
  };
  let shadows = 0;
  for (let v = 0; v <= 4; v++) shadows += hist[v]!;
  let highlights = 0;
  for (let v = 251; v < 256; v++) highlights += hist[v]!;

  const colour = colourStats(pixels, n, channels);
  const interior = width >= 3 && height >= 3;
  const lap = interior ? laplacianSums(gray, width, height) : undefined;
  const local = interior ? noiseAndComposition(gray, width, height) : { noiseSigma: 0, composition: 0.5 };
  return {
    meanLuma: mean / 255,
    clippedShadows: shadows / n,
    clippedHighlights: highlights / n,
    rmsContrast: Math.sqrt(variance) / 255,
    dynamicRange: (percentile(0.98) - percentile(0.02)) / 255,
    colourfulness: colour.colourfulness,
    subjectIsolation: lap ? subjectIsolation(lap) : 1,
    meanSaturation: colour.meanSaturation,
    blockiness: blockiness(gray, width, height),
    laplacianVariance: lap ? laplacianVariance(lap) : 0,
    sharpness: sharpnessIndex(gray, width, height),
    noiseSigma: local.noiseSigma,
    composition: local.composition,
  };
}

/**
 * One pass over the colours. Hasler–Süsstrunk colourfulness: sqrt(σrg² + σyb²) + 0.3 sqrt(μrg² + μyb²),
 * rg = R − G, yb = (R + G)/2 − B; and mean HSV saturation. Both 0 for gray input.
 */
function colourStats(
  pixels: Uint8Array,
  n: number,
  channels: number,
): { colourfulness: number; meanSaturation: number } {
  if (channels < 3) return { colourfulness: 0, meanSaturation: 0 };
  let sRg = 0;
  let sYb = 0;
  let sRg2 = 0;
  let sYb2 = 0;
  let saturation = 0;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = pixels[p]!;
    const g = pixels[p + 1]!;
    const b = pixels[p + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sYb += yb;
    sRg2 += rg * rg;
    sYb2 += yb * yb;
    const max = Math.max(r, g, b);
    if (max > 0) saturation += (max - Math.min(r, g, b)) / max;
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const vRg = Math.max(0, sRg2 / n - mRg * mRg);
  const vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return {
    colourfulness: Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb),
    meanSaturation: saturation / n,
  };
}

/** Variance of the 4-neighbour Laplacian over interior pixels (the classic focus measure). */
function laplacianVariance({ sum, sumSq, count }: LaplacianSums): number {
  const m = sum / count;
  return sumSq / count - m * m;
}

/**
 * Mean |Laplacian| of luma in the central 40 % box ÷ the same outside it (subject isolation).
 */
function subjectIsolation({ centre, centreCount, outside, outsideCount }: LaplacianSums): number {
  const outsideMean = outsideCount ? outside / outsideCount : 0;
  return outsideMean > 0 && centreCount ? centre / centreCount / outsideMean : 1;
}

/**
 * The two 3x3 measures, in one pass over the interior pixels:
 *
 * Immerkær's noise estimate: convolve with the difference of two Laplacians (which cancels image
 * structure up to second order) and scale the mean absolute response:
 * sigma = sqrt(pi/2) / (6 (W-2)(H-2)) * sum |I * N|. Strong texture inflates it a little.
 *
 * Rule-of-thirds proxy. Edge energy e = |dx| + |dy| of luma gives a centroid and an energy-weighted
 * spread around it (normalised coordinates). The centroid's distance to the nearest of the four
 * thirds intersections or the centre becomes 0..1 (1 = on a point), blended towards a neutral 0.5
 * by how spread out the energy is (uniform texture: RMS spread ~0.41 -> fully neutral).
 */
function noiseAndComposition(
  gray: Uint8Array,
  width: number,
  height: number,
): { noiseSigma: number; composition: number } {
  const us = new Float64Array(width);
  for (let x = 0; x < width; x++) us[x] = x / width;
  let noise = 0;
  let total = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    const v = y / height;
    let rowTotal = 0;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const up = i - width;
      const down = i + width;
      const left = gray[i - 1]!;
      const right = gray[i + 1]!;
      const above = gray[up]!;
      const below = gray[down]!;
      noise += Math.abs(
        gray[up - 1]! -
          2 * above +
          gray[up + 1]! -
          2 * left +
          4 * gray[i]! -
          2 * right +
          gray[down - 1]! -
          2 * below +
          gray[down + 1]!,
      );
      const e = Math.abs(right - left) + Math.abs(below - above);
      const u = us[x]!;
      rowTotal += e;
      sx += e * u;
      sxx += e * u * u;
    }
    total += rowTotal;
    sy += rowTotal * v;
    syy += rowTotal * v * v;
  }
  const noiseSigma = (Math.sqrt(Math.PI / 2) * noise) / (6 * (width - 2) * (height - 2));
  if (total === 0) return { noiseSigma, composition: 0.5 };
  const cx = sx / total;
  const cy = sy / total;
  const rmsSpread = Math.sqrt(Math.max(0, sxx / total - cx * cx + syy / total - cy * cy));
  const focus = Math.max(0, Math.min(1, 1 - rmsSpread / 0.41));
  const points: ReadonlyArray<readonly [number, number]> = [
    [1 / 3, 1 / 3],
    [2 / 3, 1 / 3],
    [1 / 3, 2 / 3],
    [2 / 3, 2 / 3],
    [0.5, 0.5],
  ];
  const nearest = Math.min(...points.map(([px, py]) => Math.hypot(cx - px, cy - py)));
  const placement = Math.max(0, 1 - nearest / 0.25);
  return { noiseSigma, composition: 0.5 + focus * (placement - 0.5) };
}

/** 2x2 box average (drops a trailing odd row/column). */
function halve(
  gray: Uint8Array,
  width: number,
  height: number,
): { data: Float32Array; width: number; height: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = r0 + width;
    for (let x = 0; x < w; x++) {
      out[y * w + x] =
        (gray[r0 + 2 * x]! + gray[r0 + 2 * x + 1]! + gray[r1 + 2 * x]! + gray[r1 + 2 * x + 1]!) / 4;
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * Sharpness that noise cannot fake: the 90th percentile of gradient magnitude measured on a
 * 2x box-downsampled luma (averaging suppresses pixel-level noise by ~2x while real edges keep
 * their strength), in 8-bit units per pixel. Blur lowers it; it is mostly blind to noise.
 */
function sharpnessIndex(gray: Uint8Array, width: number, height: number): number {
  const half = halve(gray, width, height);
  const { data, width: w, height: h } = half;
  if (w < 3 || h < 3) return 0;
  const hist = new Float64Array(1024);
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = data[i + 1]! - data[i - 1]!;
      const gy = data[i + w]! - data[i - w]!;
      const mag = Math.min(1023, Math.round(2 * Math.sqrt(gx * gx + gy * gy)));
      hist[mag]!++;
      count++;
    }
  }
  let acc = 0;
  for (let v = 0; v < 1024; v++) {
    acc += hist[v]!;
    if (acc >= 0.9 * count) return v / 2;
  }
  return 511.5;
}

/**
 * JPEG blocking: mean |luma step| across the 8-pixel grid ÷ mean |luma step| elsewhere. Integer
 * sums, so gathering them per row changes nothing.
 */
function blockiness(gray: Uint8Array, width: number, height: number): number {
  let edge = 0;
  let edgeCount = 0;
  let inner = 0;
  let innerCount = 0;
  // Columns x in [0, width - 1) with x % 8 === 7: the horizontal steps across a block edge.
  const edgeColumns = width - 1 >= 8 ? Math.floor((width - 1 - 8) / 8) + 1 : 0;
  for (let y = 0; y < height - 1; y++) {
    const row = y * width;
    let rowH = 0;
    let rowV = 0;
    let gridH = 0;
    for (let x = 0; x < width - 1; x++) {
      const i = row + x;
      const g = gray[i]!;
      const step = Math.abs(gray[i + 1]! - g);
      rowH += step;
      if ((x & 7) === 7) gridH += step;
      rowV += Math.abs(gray[i + width]! - g);
    }
    edge += gridH;
    inner += rowH - gridH;
    edgeCount += edgeColumns;
    innerCount += width - 1 - edgeColumns;
    if (y % 8 === 7) {
      edge += rowV;
      edgeCount += width - 1;
    } else {
      inner += rowV;
      innerCount += width - 1;
    }
  }
  const innerMean = innerCount ? inner / innerCount : 0;
  return innerMean > 0 && edgeCount ? edge / edgeCount / innerMean : 1;
}
