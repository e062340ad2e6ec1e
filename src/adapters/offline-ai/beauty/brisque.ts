/**
 * BRISQUE (Mittal, Moorthy & Bovik, 2012), ported from OpenCV contrib's `cv::quality::QualityBRISQUE`
 * (modules/quality/src/qualitybrisque.cpp, OpenCV 4.6) so that it reproduces OpenCV's scores with
 * OpenCV's pretrained LIVE model:
 *
 *  1. 8-bit BGR -> 8-bit gray (`cvtColor`, fixed-point BT.601), then float32 in [0, 1].
 *  2. For scale 1 (full size) and scale 2 (`int(w/2) x int(h/2)`, `cv::resize` INTER_CUBIC; at
 *     scale 1 the "resize" is a copy):
 *       mu = GaussianBlur7x7(I, sigma 7/6, BORDER_REPLICATE), sigma = sqrt(blur(I^2) - mu^2)
 *       MSCN = (I - mu) / (sigma + 1/255)
 *     features: AGGD fit of MSCN -> [gamma, (l^2 + r^2) / 2]; then for the products of MSCN with
 *     its neighbour to the right, below, below-right and above-right (zero outside the image),
 *     AGGD fit -> [gamma, mean, l^2, r^2]. 2 + 4*4 = 18 per scale, 36 in all.
 *  3. Scale each feature to [-1, 1] with the model's range, evaluate the RBF epsilon-SVR, and
 *     clamp to [0, 100] (0 = best quality, 100 = worst).
 */
import { aggdFitScale, tgamma, type AggdFit } from './aggd.js';
import { gaussianKernel, grayFromRgb, resizeCubic, toUnitFloat, type Plane } from './opencv-ops.js';
import { predictSvr } from './svr.js';
import type { BrisqueModel } from './yaml-model.js';

const f32 = Math.fround;
const KERNEL = gaussianKernel(7, 7 / 6);
const C = f32(1 / 255);

/**
 * Four float planes of the image's size are all BRISQUE needs. For working-size images they are
 * kept between calls (scoring is synchronous, so calls cannot interleave): allocating ~12 MB of
 * fresh typed arrays per photo costs more than the arithmetic. Bigger images get their own.
 */
const POOL_MAX_PIXELS = 1_600_000;
const pool: Float32Array[] = [];

function planes(n: number): [Float32Array, Float32Array, Float32Array, Float32Array] {
  const get = (i: number): Float32Array => {
    if (n > POOL_MAX_PIXELS) return new Float32Array(n);
    if (!pool[i] || pool[i].length < n) pool[i] = new Float32Array(n);
    return pool[i].subarray(0, n);
  };
  return [get(0), get(1), get(2), get(3)];
}

/**
 * Mean-subtracted contrast-normalised coefficients of `image`, written into `out` (which must not
 * be `image.data`); `sig` and `scratch` are work buffers of the same size.
 *
 *   mu = blur(I), sigma = sqrt(blur(I*I) - mu*mu) + 1/255, MSCN = (I - mu) / sigma
 *
 * Both blurs are `gaussianBlur` (same float operations, same order); here they run fused in one
 * pass over the rows and one over the columns, which is markedly faster than two separate blurs.
 */
export function mscn(
  image: Plane,
  out: Float32Array = new Float32Array(image.data.length),
  sig: Float32Array = new Float32Array(image.data.length),
  scratch: Float32Array = new Float32Array(image.data.length),
): Plane {
  const { width, height, data: x } = image;
  const [k0, k1, k2, k3, k4, k5, k6] = KERNEL as unknown as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Row pass: blur(I) into `out`, blur(I*I) into `scratch` (both are rows-only sums here).
  const pv = new Float32Array(width + 6);
  const pq = new Float32Array(width + 6);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let i = 0; i < width; i++) {
      const v = x[base + i]!;
      pv[i + 3] = v;
      pq[i + 3] = v * v;
    }
    // BORDER_REPLICATE: three copies of the edge pixels on each side.
    pv[0] = pv[1] = pv[2] = pv[3]!;
    pq[0] = pq[1] = pq[2] = pq[3]!;
    pv[width + 3] = pv[width + 4] = pv[width + 5] = pv[width + 2]!;
    pq[width + 3] = pq[width + 4] = pq[width + 5] = pq[width + 2]!;
    for (let i = 0; i < width; i++) {
      let a = f32(pv[i]! * k0);
      let b = f32(pq[i]! * k0);
      a = f32(pv[i + 1]! * k1 + a);
      b = f32(pq[i + 1]! * k1 + b);
      a = f32(pv[i + 2]! * k2 + a);
      b = f32(pq[i + 2]! * k2 + b);
      a = f32(pv[i + 3]! * k3 + a);
      b = f32(pq[i + 3]! * k3 + b);
      a = f32(pv[i + 4]! * k4 + a);
      b = f32(pq[i + 4]! * k4 + b);
      a = f32(pv[i + 5]! * k5 + a);
      b = f32(pq[i + 5]! * k5 + b);
      out[base + i] = pv[i + 6]! * k6 + a;
      scratch[base + i] = pq[i + 6]! * k6 + b;
    }
  }
  // Column pass for blur(I): `out` (row sums) -> `sig`, which then holds mu.
  const clampRow = (r: number) => Math.min(height - 1, Math.max(0, r)) * width;
  for (let y = 0; y < height; y++) {
    const m3 = clampRow(y - 3);
    const m2 = clampRow(y - 2);
    const m1 = clampRow(y - 1);
    const c = y * width;
    const p1 = clampRow(y + 1);
    const p2 = clampRow(y + 2);
    const p3 = clampRow(y + 3);
    for (let i = 0; i < width; i++) {
      let a = f32(out[c + i]! * k3);
      a = f32(f32(out[p1 + i]! + out[m1 + i]!) * k4 + a);
      a = f32(f32(out[p2 + i]! + out[m2 + i]!) * k5 + a);
      sig[c + i] = f32(out[p3 + i]! + out[m3 + i]!) * k6 + a;
    }
  }
  // `sig` now holds mu; `out` (row-blurred I) is free. Column-filter the squares and finish.
  for (let y = 0; y < height; y++) {
    const m3 = clampRow(y - 3);
    const m2 = clampRow(y - 2);
    const m1 = clampRow(y - 1);
    const c = y * width;
    const p1 = clampRow(y + 1);
    const p2 = clampRow(y + 2);
    const p3 = clampRow(y + 3);
    for (let i = 0; i < width; i++) {
      let b = f32(scratch[c + i]! * k3);
      b = f32(f32(scratch[p1 + i]! + scratch[m1 + i]!) * k4 + b);
      b = f32(f32(scratch[p2 + i]! + scratch[m2 + i]!) * k5 + b);
      const blurredSq = f32(f32(scratch[p3 + i]! + scratch[m3 + i]!) * k6 + b);
      const m = sig[c + i]!;
      // float: blur(I^2) - mu^2 may round below zero on flat areas; sqrt then gives NaN, as in OpenCV.
      const sigma = f32(f32(Math.sqrt(f32(blurredSq - f32(m * m)))) + C);
      const v = f32(x[c + i]! - m) / sigma;
      // NaN (negative variance from rounding) is stored as 0: OpenCV's AGGD fit counts it as 0.
      out[c + i] = v === v ? v : 0;
    }
  }
  return { width, height, data: out };
}

function scaleFeatures(m: Plane, features: number[]): void {
  const [fit, ...pairs] = aggdFitScale(m.data, m.width, m.height) as [AggdFit, ...AggdFit[]];
  features.push(fit.gamma, (fit.leftSigma ** 2 + fit.rightSigma ** 2) / 2);
  for (const p of pairs) {
    const g = p.gamma;
    const constant = Math.sqrt(tgamma(1 / g)) / Math.sqrt(tgamma(3 / g));
    const mean = (p.rightSigma - p.leftSigma) * (tgamma(2 / g) / tgamma(1 / g)) * constant;
    features.push(g, mean, p.leftSigma ** 2, p.rightSigma ** 2);
  }
}

/** The 36 BRISQUE features of an 8-bit gray image (OpenCV's `ComputeBrisqueFeature`). */
export function brisqueFeatures(gray: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height;
  const [p0, p1, p2, p3] = planes(n);
  const features: number[] = [];
  // Scale 1: OpenCV's resize to the same size is a copy, so work on the converted plane directly.
  const x1 = toUnitFloat(gray, width, height, p0);
  scaleFeatures(mscn(x1, p1, p2, p3), features);
  // Scale 2: int(w/2) x int(h/2), bicubic.
  const w2 = Math.trunc(width / 2);
  const h2 = Math.trunc(height / 2);
  const n2 = w2 * h2;
  const x2 = resizeCubic(x1, w2, h2, p3.subarray(0, height * w2), p2.subarray(0, n2));
  scaleFeatures(mscn(x2, p1.subarray(0, n2), p0.subarray(0, n2), p3.subarray(0, n2)), features);
  return Float32Array.from(features);
}

/** Minimum side BRISQUE can work with: the half-scale plane must still hold the 7x7 window. */
export const BRISQUE_MIN_SIDE = 16;

export interface RgbPixels {
  width: number;
  height: number;
  /** 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA), interleaved, 8 bits per sample. */
  channels: number;
  data: Uint8Array;
}

export interface BrisqueResult {
  /** 0 (best) to 100 (worst), OpenCV's clamped SVR output. */
  score: number;
  features: Float32Array;
}

/** BRISQUE for 8-bit pixels; equals `cv2.quality.QualityBRISQUE_compute` on the same pixels. */
export function brisque(pixels: RgbPixels, model: BrisqueModel): BrisqueResult {
  const { width, height, channels, data } = pixels;
  if (width < BRISQUE_MIN_SIDE || height < BRISQUE_MIN_SIDE) {
    throw new RangeError(`BRISQUE needs at least ${BRISQUE_MIN_SIDE}x${BRISQUE_MIN_SIDE} pixels`);
  }
  return brisqueFromGray(grayFromRgb(data, width, height, channels), width, height, model);
}

/** BRISQUE for an 8-bit gray image already converted with OpenCV's BGR2GRAY weights. */
export function brisqueFromGray(
  gray: Uint8Array,
  width: number,
  height: number,
  model: BrisqueModel,
): BrisqueResult {
  if (width < BRISQUE_MIN_SIDE || height < BRISQUE_MIN_SIDE) {
    throw new RangeError(`BRISQUE needs at least ${BRISQUE_MIN_SIDE}x${BRISQUE_MIN_SIDE} pixels`);
  }
  const features = brisqueFeatures(gray, width, height);
  const raw = predictSvr(model, features);
  return { score: Math.min(Math.max(raw, 0), 100), features };
}
