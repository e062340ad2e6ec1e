/**
 * The one Laplacian pass that labels' texture statistics and beauty's signals share: its sums, its
 * centre box and its histogram must be exactly those of the plain per-pixel definition, for 8-bit
 * luma (beauty) and float luma (labels), down to the smallest raster it accepts (3x3).
 */
import { describe, expect, it } from 'vitest';
import { laplacianSums } from '../../src/adapters/offline-ai/laplacian.js';

/** Deterministic pseudo-random raster. */
function raster<T extends Uint8Array | Float32Array>(
  make: (n: number) => T,
  width: number,
  height: number,
): T {
  const out = make(width * height);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out[i] = out instanceof Uint8Array ? seed >>> 24 : (seed >>> 8) / 2 ** 24;
  }
  return out;
}

/** The definition, one pixel at a time, with the box test on every pixel. */
function naive(values: ArrayLike<number>, width: number, height: number, bins: number, scale: number) {
  const histogram = new Uint32Array(bins);
  let [sum, sumSq, centre, centreCount, outside, outsideCount] = [0, 0, 0, 0, 0, 0];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = values[i - 1]! + values[i + 1]! + values[i - width]! + values[i + width]! - 4 * values[i]!;
      sum += lap;
      sumSq += lap * lap;
      const inBox = Math.abs(y / height - 0.5) < 0.2 && Math.abs(x / width - 0.5) < 0.2;
      if (inBox) {
        centre += Math.abs(lap);
        centreCount++;
      } else {
        outside += Math.abs(lap);
        outsideCount++;
      }
      histogram[Math.min(bins - 1, Math.floor(Math.abs(lap) * scale))]!++;
    }
  }
  const count = (width - 2) * (height - 2);
  return { sums: { count, sum, sumSq, centre, centreCount, outside, outsideCount }, histogram };
}

describe('laplacianSums', () => {
  const sizes: [number, number][] = [
    [97, 61],
    [3, 3],
    [4, 40],
    [512, 341],
  ];

  it.each(sizes)('8-bit luma %ix%i: the same sums and histogram as the per-pixel definition', (w, h) => {
    const gray = raster((n) => new Uint8Array(n), w, h);
    const expected = naive(gray, w, h, 256, 0.25);
    const bins = new Uint32Array(256);
    expect(laplacianSums(gray, w, h, { bins, scale: 0.25 })).toEqual(expected.sums);
    expect(bins).toEqual(expected.histogram);
    expect(laplacianSums(gray, w, h)).toEqual(expected.sums);
  });

  it.each(sizes)('float luma %ix%i: bit-identical float sums (row-major order kept)', (w, h) => {
    const luma = raster((n) => new Float32Array(n), w, h);
    const expected = naive(luma, w, h, 8000, 2000);
    const bins = new Uint32Array(8000);
    const got = laplacianSums(luma, w, h, { bins, scale: 2000 });
    for (const key of Object.keys(expected.sums) as (keyof typeof expected.sums)[]) {
      expect(Object.is(got[key], expected.sums[key]), key).toBe(true);
    }
    expect(bins).toEqual(expected.histogram);
  });
});
