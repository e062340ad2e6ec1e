/**
 * Factories for the cloud providers, read from the validated configuration. Kept apart from the
 * selection module so that adding a provider there is one spread per step.
 */
import type { Config } from './config.js';
import type { BeautyScorer, Describer, LabelDetector } from '../core/ports/index.js';
import { RekognitionLabelDetector } from '../adapters/rekognition/label-detector.js';
import { SageMakerBeautyScorer } from '../adapters/sagemaker/beauty-scorer.js';
import { HttpBeautyScorer } from '../adapters/http/beauty-scorer.js';
import { OpenAiDescriber } from '../adapters/openai/describer.js';
import { parsePriceOverride } from '../adapters/openai/pricing.js';
import { VisionLabelDetector } from '../adapters/openai/vision-labels.js';

type CloudFactory<P> = (ctx: { config?: Config }) => P;

function configOf(ctx: { config?: Config }, provider: string): Config {
  if (!ctx.config) throw new Error(`provider "${provider}" needs the runtime configuration`);
  return ctx.config;
}

/**
 * A provider's per-call deadline, scaled with the state timeouts (PHAROS_STATE_TIMEOUT_SCALE): it stays
 * below its state's timeout, so a hung provider fails in time for a retry or the next provider.
 */
const deadline = (config: Config, ms: number) => Math.round(ms * config.PHAROS_STATE_TIMEOUT_SCALE);

export const cloudLabelFactories: Record<string, CloudFactory<LabelDetector>> = {
  rekognition: (ctx) => {
    const config = configOf(ctx, 'rekognition');
    return new RekognitionLabelDetector({
      // Rekognition reads the photo in place only when it really is in S3.
      source: config.PHAROS_STORAGE === 's3' ? 'S3Object' : 'bytes',
      maxLabels: config.PHAROS_REKOGNITION_MAX_LABELS,
      timeoutMs: deadline(config, 20_000),
      minConfidence: config.PHAROS_REKOGNITION_MIN_CONFIDENCE,
    });
  },
  vision: (ctx) => {
    const config = configOf(ctx, 'vision');
    return new VisionLabelDetector({
      baseURL: config.PHAROS_VISION_URL!,
      model: config.PHAROS_VISION_MODEL,
      apiKey: config.PHAROS_VISION_API_KEY,
      timeoutMs: deadline(config, config.PHAROS_VISION_TIMEOUT_SECONDS * 1000),
    });
  },
};

export const cloudDescriberFactories: Record<string, CloudFactory<Describer>> = {
  openai: (ctx) => {
    const config = configOf(ctx, 'openai');
    return new OpenAiDescriber({
      apiKey: config.OPENAI_API_KEY!,
      baseURL: config.OPENAI_BASE_URL,
      model: config.PHAROS_OPENAI_MODEL,
      vision: config.PHAROS_OPENAI_VISION,
      price: parsePriceOverride(config.PHAROS_OPENAI_PRICE_PER_MTOKENS),
      timeoutMs: deadline(config, 30_000),
    });
  },
};

export const cloudBeautyFactories: Record<string, CloudFactory<BeautyScorer>> = {
  sagemaker: (ctx) => {
    const config = configOf(ctx, 'sagemaker');
    return new SageMakerBeautyScorer({
      endpointName: config.PHAROS_SAGEMAKER_ENDPOINT!,
      modelId: config.PHAROS_SAGEMAKER_MODEL_ID,
      label: config.PHAROS_SAGEMAKER_LABEL,
      scale: config.PHAROS_SAGEMAKER_SCALE ?? '0-1',
      timeoutMs: deadline(config, 30_000),
    });
  },
  http: (ctx) => {
    const config = configOf(ctx, 'http');
    return new HttpBeautyScorer({
      url: config.PHAROS_BEAUTY_URL!,
      apiKey: config.PHAROS_BEAUTY_API_KEY,
      modelId: config.PHAROS_BEAUTY_MODEL_ID,
      label: config.PHAROS_BEAUTY_LABEL,
      scale: config.PHAROS_BEAUTY_SCALE ?? '0-1',
      timeoutMs: deadline(config, 30_000),
    });
  },
};
