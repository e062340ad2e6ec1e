/**
 * Deployment settings, read from CDK context (`cdk deploy -c pharos:openAiModel=gpt-4o-mini`) with
 * defaults that synthesise anywhere: no value here needs an AWS lookup or credentials.
 */
import type { Construct } from 'constructs';

export interface PharosSettings {
  /** OpenAI chat model for captions and tags. */
  openAiModel: string;
  /** Send the photo itself to OpenAI (the describer's vision mode); off by default. */
  openAiVision: boolean;
  /** Max concurrent Lambda environments per provider step: the stack's throttle on each provider. */
  rekognitionConcurrency: number;
  openAiConcurrency: number;
  /** SageMaker serverless MaxConcurrency (1–200); ScoreBeauty's concurrency follows it. */
  sageMakerConcurrency: number;
  sageMakerMemoryMb: number;
  /** The Hugging Face inference (PyTorch, CPU) container for the region; `{region}` is substituted. */
  huggingFaceImage: string;
  /** How many SQS batches the starter works on at once (≥ 2, SQS event source maxConcurrency). */
  starterConcurrency: number;
  /** Where the built web UI is (`npm run build:web`); empty to deploy the stack without it. */
  webDist: string;
  /** E-mail for CloudWatch alarms; empty for none. */
  alarmEmail: string;
  /** Reserved concurrency needs spare account concurrency; new accounts (limit 10) must set false. */
  reserveConcurrency: boolean;
  beautyFailure: 'null' | 'fail';
}

export const DEFAULT_SETTINGS: PharosSettings = {
  openAiModel: 'gpt-4o-mini',
  openAiVision: false,
  rekognitionConcurrency: 5,
  openAiConcurrency: 10,
  sageMakerConcurrency: 5,
  sageMakerMemoryMb: 4096,
  huggingFaceImage:
    '763104351884.dkr.ecr.{region}.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04',
  starterConcurrency: 2,
  webDist: 'web/dist',
  alarmEmail: '',
  reserveConcurrency: true,
  beautyFailure: 'null',
};

export function readSettings(scope: Construct): PharosSettings {
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const raw = scope.node.tryGetContext(`pharos:${key}`) as unknown;
    if (raw === undefined) continue;
    if (typeof fallback === 'number') {
      const value = Number(raw);
      if (!Number.isFinite(value))
        throw new Error(`context pharos:${key} must be a number, got ${JSON.stringify(raw)}`);
      settings[key] = value;
    } else if (typeof fallback === 'boolean') settings[key] = raw === true || raw === 'true';
    else settings[key] = String(raw);
  }
  const result = settings as unknown as PharosSettings;
  if (result.starterConcurrency < 2)
    throw new Error('context pharos:starterConcurrency must be at least 2 (SQS event source minimum)');
  if (result.beautyFailure !== 'null' && result.beautyFailure !== 'fail')
    throw new Error('context pharos:beautyFailure must be null or fail');
  return result;
}
