/**
 * Pixel statistics that stand in for "aesthetic" judgement: exposure and clipping, contrast,
 * colourfulness, sharpness, noise and a crude composition measure. All are cheap single passes
 * over an 8-bit image and are computed at the scorer's working resolution, so that
 * resolution-dependent measures (sharpness, noise) are comparable between photos.
 */
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

  return {
    meanLuma: mean / 255,
    clippedShadows: shadows / n,
    clippedHighlights: highlights / n,
    rmsContrast: Math.sqrt(variance) / 255,
    dynamicRange: (percentile(0.98) - percentile(0.02)) / 255,
    colourfulness: colourfulness(pixels, n, channels),
    subjectIsolation: subjectIsolation(gray, width, height),
    meanSaturation: meanSaturation(pixels, n, channels),
    blockiness: blockiness(gray, width, height),
    laplacianVariance: laplacianVariance(gray, width, height),
    sharpness: sharpnessIndex(gray, width, height),
    noiseSigma: immerkaerNoise(gray, width, height),
    composition: composition(gray, width, height),
  };
}

/** Hasler–Süsstrunk: sqrt(σrg² + σyb²) + 0.3 sqrt(μrg² + μyb²), rg = R − G, yb = (R + G)/2 − B. */
export function colourfulness(pixels: Uint8Array, n: number, channels: number): number {
  if (channels < 3) return 0;
  let sRg = 0;
  let sYb = 0;
  let sRg2 = 0;
  let sYb2 = 0;
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
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const vRg = Math.max(0, sRg2 / n - mRg * mRg);
  const vYb = Math.max(0, sYb2 / n - mYb * mYb);
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

/** Variance of the 4-neighbour Laplacian over interior pixels (the classic focus measure). */
export function laplacianVariance(gray: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let s = 0;
  let s2 = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const lap = gray[i - width]! + gray[i + width]! + gray[i - 1]! + gray[i + 1]! - 4 * gray[i]!;
      s += lap;
      s2 += lap * lap;
      count++;
    }
  }
  const m = s / count;
  return s2 / count - m * m;
}

/**
 * Immerkær's noise estimate: convolve with the difference of two Laplacians (which cancels
 * image structure up to second order) and scale the mean absolute response:
 * sigma = sqrt(pi/2) / (6 (W-2)(H-2)) * sum |I * N|. Strong texture inflates it a little.
 */
export function immerkaerNoise(gray: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let acc = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const up = i - width;
      const down = i + width;
      const v =
        gray[up - 1]! -
        2 * gray[up]! +
        gray[up + 1]! -
        2 * gray[i - 1]! +
        4 * gray[i]! -
        2 * gray[i + 1]! +
        gray[down - 1]! -
        2 * gray[down]! +
        gray[down + 1]!;
      acc += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * acc) / (6 * (width - 2) * (height - 2));
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
export function sharpnessIndex(gray: Uint8Array, width: number, height: number): number {
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
 * Rule-of-thirds proxy. Edge energy e = |dx| + |dy| of luma gives a centroid and an energy-weighted
 * spread around it (normalised coordinates). The centroid's distance to the nearest of the four
 * thirds intersections or the centre becomes 0..1 (1 = on a point), blended towards a neutral 0.5
 * by how spread out the energy is (uniform texture: RMS spread ~0.41 -> fully neutral).
 */
export function composition(gray: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0.5;
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
      const e = Math.abs(gray[i + 1]! - gray[i - 1]!) + Math.abs(gray[i + width]! - gray[i - width]!);
      const u = x / width;
      rowTotal += e;
      sx += e * u;
      sxx += e * u * u;
    }
    total += rowTotal;
    sy += rowTotal * v;
    syy += rowTotal * v * v;
  }
  if (total === 0) return 0.5;
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
  return 0.5 + focus * (placement - 0.5);
}

function subjectIsolation(gray: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 1;
  let centre = 0;
  let centreCount = 0;
  let outside = 0;
  let outsideCount = 0;
  for (let y = 1; y < height - 1; y++) {
    const inRows = Math.abs(y / height - 0.5) < 0.2;
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = Math.abs(gray[i - 1]! + gray[i + 1]! + gray[i - width]! + gray[i + width]! - 4 * gray[i]!);
      if (inRows && Math.abs(x / width - 0.5) < 0.2) {
        centre += lap;
        centreCount++;
      } else {
        outside += lap;
        outsideCount++;
      }
    }
  }
  const outsideMean = outsideCount ? outside / outsideCount : 0;
  return outsideMean > 0 && centreCount ? centre / centreCount / outsideMean : 1;
}

function meanSaturation(pixels: Uint8Array, n: number, channels: number): number {
  if (channels < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = pixels[i * channels]!;
    const g = pixels[i * channels + 1]!;
    const b = pixels[i * channels + 2]!;
    const max = Math.max(r, g, b);
    if (max > 0) sum += (max - Math.min(r, g, b)) / max;
  }
  return sum / n;
}

function blockiness(gray: Uint8Array, width: number, height: number): number {
  let edge = 0;
  let edgeCount = 0;
  let inner = 0;
  let innerCount = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = y * width + x;
      const h = Math.abs(gray[i + 1]! - gray[i]!);
      const v = Math.abs(gray[i + width]! - gray[i]!);
      if (x % 8 === 7) {
        edge += h;
        edgeCount++;
      } else {
        inner += h;
        innerCount++;
      }
      if (y % 8 === 7) {
        edge += v;
        edgeCount++;
      } else {
        inner += v;
        innerCount++;
      }
    }
  }
  const innerMean = innerCount ? inner / innerCount : 0;
  return innerMean > 0 && edgeCount ? edge / edgeCount / innerMean : 1;
}
