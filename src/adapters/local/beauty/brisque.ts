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
import { aggdFit, tgamma } from './aggd.js';
import { gaussianBlur, gaussianKernel, grayFromRgb, resizeCubic, toUnitFloat, type Plane } from './opencv-ops.js';
import { predictSvr } from './svr.js';
import type { BrisqueModel } from './yaml-model.js';

const f32 = Math.fround;
const KERNEL = gaussianKernel(7, 7 / 6);
const C = f32(1 / 255);
/** (row, column) offsets of the paired neighbour: H, V, D1, D2 (OpenCV's `shifts`). */
const SHIFTS: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [1, 0],
  [1, 1],
  [-1, 1],
];

/** Mean-subtracted contrast-normalised coefficients of a float plane. */
export function mscn(image: Plane): Plane {
  const { width, height, data: x } = image;
  const mu = gaussianBlur(image, KERNEL).data;
  const sq = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) sq[i] = x[i]! * x[i]!;
  const blurredSq = gaussianBlur({ width, height, data: sq }, KERNEL).data;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const m = mu[i]!;
    // float: (blur(I^2) - mu^2) may round below zero on flat areas; sqrt then gives NaN, as in OpenCV.
    const sigma = f32(f32(Math.sqrt(f32(blurredSq[i]! - f32(m * m)))) + C);
    out[i] = f32(x[i]! - m) / sigma;
  }
  return { width, height, data: out };
}

function pairedProduct(m: Plane, dy: number, dx: number): Float32Array {
  const { width, height, data } = m;
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue; // zero row
    for (let x = 0; x < width - dx; x++) out[y * width + x] = data[y * width + x]! * data[yy * width + x + dx]!;
  }
  return out;
}

/** The 36 BRISQUE features of a float32 gray plane in [0, 1] (OpenCV's `ComputeBrisqueFeature`). */
export function brisqueFeaturesFromPlane(gray: Plane): Float32Array {
  const features: number[] = [];
  for (let scale = 1; scale <= 2; scale++) {
    const divisor = 2 ** (scale - 1);
    const scaled = resizeCubic(gray, Math.trunc(gray.width / divisor), Math.trunc(gray.height / divisor));
    const m = mscn(scaled);
    const fit = aggdFit(m.data);
    features.push(fit.gamma, (fit.leftSigma ** 2 + fit.rightSigma ** 2) / 2);
    for (const [dy, dx] of SHIFTS) {
      const p = aggdFit(pairedProduct(m, dy, dx));
      const g = p.gamma;
      const constant = Math.sqrt(tgamma(1 / g)) / Math.sqrt(tgamma(3 / g));
      const mean = (p.rightSigma - p.leftSigma) * (tgamma(2 / g) / tgamma(1 / g)) * constant;
      features.push(g, mean, p.leftSigma ** 2, p.rightSigma ** 2);
    }
  }
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
  const gray = toUnitFloat(grayFromRgb(data, width, height, channels), width, height);
  const features = brisqueFeaturesFromPlane(gray);
  const raw = predictSvr(model, features);
  return { score: Math.min(Math.max(raw, 0), 100), features };
}
