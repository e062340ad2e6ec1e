/**
 * The offline beauty scorer (`PHAROS_BEAUTY=local`): OpenCV-compatible BRISQUE plus pixel-level
 * aesthetic signals, combined by the formula in `formula.ts` (see docs/beauty.md).
 */
import type { BeautyScore } from '../../../core/domain.js';
import { permanentError } from '../../../core/errors.js';
import type { BeautyScorer, CallOptions, ImageInput } from '../../../core/ports/index.js';
import { decodeForScoring, WORKING_MAX_SIDE } from './decode.js';
import { scoreBeautyFromPixels } from './score.js';
import { loadBrisqueModel } from './yaml-model.js';

export const LOCAL_BEAUTY_PROVENANCE = {
  provider: 'local',
  model: 'brisque-live+aesthetics',
  version: '1',
} as const;

export interface LocalBeautyOptions {
  /** Directory holding brisque_model_live.yml and brisque_range_live.yml; defaults to models/brisque. */
  modelDir?: string;
  /** Longest side of the working image; defaults to 1024. */
  maxSide?: number;
}

export function createLocalBeautyScorer(options: LocalBeautyOptions = {}): BeautyScorer {
  const maxSide = options.maxSide ?? WORKING_MAX_SIDE;
  return {
    name: 'local',
    async score(image: ImageInput, { signal }: CallOptions): Promise<BeautyScore> {
      signal.throwIfAborted();
      // Loaded once per process and cached; a missing or corrupt model is a deployment fault, not
      // the photo's, so it propagates as a plain (retryable by policy) error.
      const model = loadBrisqueModel(options.modelDir);
      const bytes = await image.bytes();
      signal.throwIfAborted();
      let decoded;
      try {
        decoded = await decodeForScoring(bytes, maxSide);
      } catch (error) {
        throw permanentError(`image ${image.key} could not be decoded for beauty scoring`, error);
      }
      signal.throwIfAborted();
      const { score, raw } = scoreBeautyFromPixels(decoded.pixels, {
        originalWidth: decoded.originalWidth,
        originalHeight: decoded.originalHeight,
        model,
      });
      return { score, raw, provenance: { ...LOCAL_BEAUTY_PROVENANCE } };
    },
  };
}

export {
  rescore,
  scoreBeautyFromPixels,
  type BeautyRaw,
  type PixelBeauty,
  type ScoreOptions,
} from './score.js';
export { brisque, brisqueFromGray, brisqueFeatures, type RgbPixels, type BrisqueResult } from './brisque.js';
export { decodeForScoring, WORKING_MAX_SIDE, type DecodedPhoto } from './decode.js';
export { FORMULA_VERSION, WEIGHTS, beautyComponents, combine, type BeautyComponents } from './formula.js';
export { aestheticFeatures, predictedRating } from './aesthetic-model.js';
export { computeSignals, type PixelSignals } from './signals.js';
export { loadBrisqueModel, parseBrisqueModel, type BrisqueModel } from './yaml-model.js';
