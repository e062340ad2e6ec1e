/** Helpers for driving provider adapters: an image input, a call signal, the cloud fakes started together. */
import type { ImageInput } from '../../src/core/ports/index.js';
import { FAKE_AWS_ENV, useEnv } from './fake-server.js';
import { type OpenAiFake, startOpenAiServer } from './openai-server.js';
import { type RekognitionFake, startRekognitionServer } from './rekognition-server.js';
import { type SageMakerFake, startSageMakerServer } from './sagemaker-server.js';

export function imageFrom(
  bytes: Uint8Array,
  key = 'uploads/u1/img1',
  bucket = 'pharos-photos',
  contentType = 'image/jpeg',
): ImageInput {
  return { bucket, key, contentType, bytes: async () => bytes };
}

export const callOptions = (timeoutMs = 10_000) => ({ signal: AbortSignal.timeout(timeoutMs) });

/** The error's pipeline name (Provider.Transient, …) and message, for assertions. */
export async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the call to fail');
}

/** The three cloud AI services' wire fakes, and the SDKs' standard configuration pointed at them. */
export interface CloudFakes {
  rekognition: RekognitionFake;
  sagemaker: SageMakerFake;
  openai: OpenAiFake;
  /** Restores the environment and closes the fakes. */
  stop(): Promise<void>;
}

/** `aesthetic`: the probability the SageMaker classification endpoint answers for "aesthetic". */
export async function startCloudFakes(aesthetic: number): Promise<CloudFakes> {
  const [rekognition, sagemaker, openai] = await Promise.all([
    startRekognitionServer(),
    startSageMakerServer({
      contract: 'classification',
      classes: [
        { label: 'aesthetic', score: aesthetic },
        { label: 'not_aesthetic', score: Number((1 - aesthetic).toFixed(4)) },
      ],
    }),
    startOpenAiServer(),
  ]);
  // Fake credentials, a region and per-service endpoints: what the SDKs read by themselves.
  const restoreEnv = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_REKOGNITION: rekognition.url,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
  });
  return {
    rekognition,
    sagemaker,
    openai,
    async stop() {
      restoreEnv();
      await Promise.all([rekognition.close(), sagemaker.close(), openai.close()]);
    },
  };
}
