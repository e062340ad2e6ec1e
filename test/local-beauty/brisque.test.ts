/**
 * The TypeScript BRISQUE must reproduce OpenCV's `cv::quality::QualityBRISQUE` (4.6, LIVE model).
 * Reference values come from scripts/brisque-reference.py (Debian python3-opencv), committed as
 * test/fixtures/brisque-reference.json so this test needs no Python.
 *
 * Pixels: sharp with `ignoreIcc` + `.rotate()` decodes exactly what cv2.imread decodes (same
 * libjpeg-turbo IDCT/upsampling, no colour management, EXIF orientation applied). The reference
 * records a SHA-256 of those pixels and we check it first, so a decoder difference shows up as
 * such instead of as a BRISQUE mismatch.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { aggdFit, aggdFitScale } from '../../src/adapters/offline-ai/beauty/aggd.js';
import { brisque, mscn, type RgbPixels } from '../../src/adapters/offline-ai/beauty/brisque.js';
import {
  gaussianBlur,
  gaussianKernel,
  grayFromRgb,
  toUnitFloat,
} from '../../src/adapters/offline-ai/beauty/opencv-ops.js';
import { loadBrisqueModel, parseBrisqueModel } from '../../src/adapters/offline-ai/beauty/yaml-model.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

interface ReferenceEntry {
  width: number;
  height: number;
  rgbSha256: string;
  score: number;
  features: number[];
}
const reference = JSON.parse(readFileSync(`${fixtures}brisque-reference.json`, 'utf8')) as {
  images: Record<string, ReferenceEntry>;
};
const entries = Object.entries(reference.images);

async function decodeLikeImread(path: string): Promise<RgbPixels> {
  const { data, info } = await sharp(readFileSync(path), { ignoreIcc: true })
    .rotate()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

function rgbHash(p: RgbPixels): string {
  const n = p.width * p.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * p.channels;
    const gray = p.channels < 3;
    rgb[3 * i] = p.data[s]!;
    rgb[3 * i + 1] = p.data[gray ? s : s + 1]!;
    rgb[3 * i + 2] = p.data[gray ? s : s + 2]!;
  }
  return createHash('sha256').update(rgb).digest('hex');
}

describe('BRISQUE model files', () => {
  it('parses OpenCV YAML (directive, !!opencv-matrix) into the LIVE SVR', () => {
    const model = loadBrisqueModel();
    expect(model.varCount).toBe(36);
    expect(model.svCount).toBe(774);
    expect(model.supportVectors).toHaveLength(774 * 36);
    expect(model.alpha).toHaveLength(774);
    expect(model.gamma).toBeCloseTo(0.05, 12);
    expect(model.rho).toBeCloseTo(-149.63506109127357, 9);
    expect(model.rangeMin[0]).toBeCloseTo(0.344, 6);
    expect(model.rangeMax[35]).toBeCloseTo(0.538609207, 6);
    expect(loadBrisqueModel()).toBe(model); // cached per process
  });

  it('rejects files that are not an OpenCV RBF epsilon-SVR', () => {
    const range = readFileSync(
      new URL('../../models/brisque/brisque_range_live.yml', import.meta.url),
      'utf8',
    );
    const svm = readFileSync(new URL('../../models/brisque/brisque_model_live.yml', import.meta.url), 'utf8');
    expect(() => parseBrisqueModel(svm.replace('type: RBF', 'type: LINEAR'), range)).toThrow();
    expect(() => parseBrisqueModel(svm, range.replace('rows: 2', 'rows: 3'))).toThrow();
    expect(() => parseBrisqueModel('%YAML:1.0\n---\nfoo: 1\n', range)).toThrow();
  });
});

describe('BRISQUE building blocks', () => {
  it('fused MSCN equals the step-by-step OpenCV recipe built from gaussianBlur', async () => {
    const p = await decodeLikeImread(`${fixtures}photos/derived-underexposed-street-leuven.jpg`);
    const x = toUnitFloat(grayFromRgb(p.data, p.width, p.height, p.channels), p.width, p.height);
    const kernel = gaussianKernel(7, 7 / 6);
    const mu = gaussianBlur(x, kernel).data;
    const sq = gaussianBlur({ ...x, data: x.data.map((v) => v * v) }, kernel).data;
    const f = Math.fround;
    const expected = x.data.map((v, i) => {
      const sigma = f(f(Math.sqrt(f(sq[i]! - f(mu[i]! * mu[i]!)))) + f(1 / 255));
      const r = f(v - mu[i]!) / sigma;
      return Number.isNaN(r) ? 0 : r;
    });
    const fused = mscn(x).data;
    // This photo has flat areas where float rounding makes the variance negative (OpenCV: NaN).
    expect(sq.some((v, i) => f(v - f(mu[i]! * mu[i]!)) < 0)).toBe(true);
    expect(Buffer.from(fused.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // The one-pass fit equals separate fits of the MSCN plane and of an explicit product plane.
    const [self, right] = aggdFitScale(fused, x.width, x.height);
    expect(self).toEqual(aggdFit(fused));
    const product = new Float32Array(fused.length);
    for (let i = 0; i < fused.length; i++)
      if ((i + 1) % x.width !== 0) product[i] = fused[i]! * fused[i + 1]!;
    expect(right!.gamma).toBe(aggdFit(product).gamma);
    expect(right!.leftSigma).toBeCloseTo(aggdFit(product).leftSigma, 12);
  });
});

describe('BRISQUE matches OpenCV', () => {
  const deviations: { name: string; ts: number; cv: number }[] = [];

  it.each(entries)(
    '%s',
    async (name, ref) => {
      const pixels = await decodeLikeImread(`${fixtures}${name}`);
      expect([pixels.width, pixels.height]).toEqual([ref.width, ref.height]);
      expect(rgbHash(pixels), 'decoded pixels differ from cv2.imread').toBe(ref.rgbSha256);

      const result = brisque(pixels, loadBrisqueModel());
      deviations.push({ name, ts: result.score, cv: ref.score });
      expect(Math.abs(result.score - ref.score)).toBeLessThanOrEqual(1);
      // Features too, so a compensating error cannot hide behind the SVR.
      ref.features.forEach((expected, i) => {
        expect(Math.abs(result.features[i]! - expected), `feature ${i}`).toBeLessThanOrEqual(
          1e-3 + 5e-3 * Math.abs(expected),
        );
      });
    },
    60_000,
  );

  it('reports the largest deviation', () => {
    expect(deviations).toHaveLength(entries.length);
    const worst = deviations.reduce((a, b) => (Math.abs(b.ts - b.cv) > Math.abs(a.ts - a.cv) ? b : a));
    console.info(
      `BRISQUE vs OpenCV over ${deviations.length} images: max |deviation| ${Math.abs(worst.ts - worst.cv).toFixed(4)} (${worst.name})`,
    );
    expect(Math.abs(worst.ts - worst.cv)).toBeLessThanOrEqual(1);
  });
});
