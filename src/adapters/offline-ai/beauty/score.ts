/** Pure scoring: decoded pixels in, beauty score and its raw components out. No I/O beyond the cached model. */
import { brisqueFromGray, BRISQUE_MIN_SIDE, type RgbPixels } from './brisque.js';
import { grayFromRgb } from './opencv-ops.js';
import { predictedRating } from './aesthetic-model.js';
import {
  beautyComponents,
  beautyV2,
  combine,
  FORMULA_VERSION,
  technicalGate,
  type BeautyComponents,
} from './formula.js';
import { computeSignals, type PixelSignals } from './signals.js';
import { loadBrisqueModel, type BrisqueModel } from './yaml-model.js';

export interface BeautyRaw {
  /** OpenCV BRISQUE on the working image: 0 best, 100 worst (100 when the image is too small to measure). */
  brisque: number;
  /** Unrounded beauty, 0..100. */
  beauty: number;
  /** Formula v2's parts: the predicted 1–10 rating, the technical gate (0..1) and v1's technical score. */
  predictedRating: number;
  gate: number;
  technicalV1: number;
  components: BeautyComponents;
  signals: PixelSignals;
  /** Working image the signals were measured on, and the upload's displayed size. */
  workingSize: { width: number; height: number };
  originalSize: { width: number; height: number };
  formulaVersion: string;
}

export interface PixelBeauty {
  /** Integer 0..100. */
  score: number;
  raw: BeautyRaw;
}

export interface ScoreOptions {
  /** Displayed size of the upload if `pixels` is a downscaled copy; defaults to the pixels' size. */
  originalWidth?: number;
  originalHeight?: number;
  model?: BrisqueModel;
}

/** Scores decoded 8-bit pixels (gray, RGB or RGBA, interleaved). Deterministic. */
export function scoreBeautyFromPixels(pixels: RgbPixels, options: ScoreOptions = {}): PixelBeauty {
  const { width, height, channels, data } = pixels;
  if (!(width > 0 && height > 0) || data.length < width * height * channels) {
    throw new RangeError('pixel buffer does not match its dimensions');
  }
  const originalWidth = options.originalWidth ?? width;
  const originalHeight = options.originalHeight ?? height;
  const model = options.model ?? loadBrisqueModel();

  const gray = grayFromRgb(data, width, height, channels);
  const brisqueScore =
    width >= BRISQUE_MIN_SIDE && height >= BRISQUE_MIN_SIDE
      ? brisqueFromGray(gray, width, height, model).score
      : 100;
  const signals = computeSignals(data, width, height, channels, gray);
  const components = beautyComponents({
    brisque: brisqueScore,
    signals,
    megapixels: (originalWidth * originalHeight) / 1e6,
  });
  const rating = predictedRating(components, signals, (originalWidth * originalHeight) / 1e6);
  const gate = technicalGate(components, brisqueScore, signals.blockiness);
  const beauty = beautyV2(rating, gate);
  return {
    score: Math.min(100, Math.max(0, Math.round(beauty))),
    raw: {
      brisque: brisqueScore,
      beauty,
      predictedRating: rating,
      gate,
      technicalV1: combine(components),
      components,
      signals,
      workingSize: { width, height },
      originalSize: { width: originalWidth, height: originalHeight },
      formulaVersion: FORMULA_VERSION,
    },
  };
}

/** The score the current formula gives to measurements taken earlier (the evaluation's cache). */
export function rescore(raw: Pick<BeautyRaw, 'brisque' | 'signals' | 'originalSize'>): number {
  const megapixels = (raw.originalSize.width * raw.originalSize.height) / 1e6;
  const components = beautyComponents({ brisque: raw.brisque, signals: raw.signals, megapixels });
  const beauty = beautyV2(
    predictedRating(components, raw.signals, megapixels),
    technicalGate(components, raw.brisque, raw.signals.blockiness),
  );
  return Math.min(100, Math.max(0, Math.round(beauty)));
}
