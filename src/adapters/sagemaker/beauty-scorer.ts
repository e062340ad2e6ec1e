/**
 * A SageMaker real-time endpoint as the beauty scorer: a downscaled JPEG goes in as `image/jpeg` (the
 * Hugging Face inference toolkit decodes raw image bytes), and the answer is read by one of the two
 * beauty contracts (classification with a named label, or `{"beauty_score": x}` on a scale).
 */
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { BeautyScore } from '../../core/domain.js';
import type { BeautyScorer, CallOptions, ImageInput } from '../../core/ports/index.js';
import { prepareForModel } from '../sharp/downscale.js';
import { type BeautyContract, parseBeautyOutput } from '../provider-calls/beauty-output.js';
import { callDeadline } from '../provider-calls/call-deadline.js';
import { createSageMakerRuntimeClient } from '../aws-sdk/clients.js';
import { mapAwsError } from '../aws-sdk/errors.js';

/** SageMaker real-time inference payload limit is 6 MB; image models want far fewer pixels anyway. */
export const BEAUTY_IMAGE = { maxEdge: 768, maxBytes: 1024 * 1024 } as const;

export interface SageMakerBeautyOptions extends BeautyContract {
  endpointName: string;
  /** The model behind the endpoint, for provenance (e.g. `cafeai/cafe_aesthetic`). */
  modelId?: string;
  timeoutMs?: number;
  client?: SageMakerRuntimeClient;
}

export class SageMakerBeautyScorer implements BeautyScorer {
  readonly name = 'sagemaker';
  private readonly client: SageMakerRuntimeClient;

  constructor(private readonly options: SageMakerBeautyOptions) {
    this.client = options.client ?? createSageMakerRuntimeClient();
  }

  async score(image: ImageInput, { signal }: CallOptions): Promise<BeautyScore> {
    const prepared = await prepareForModel(await image.bytes(), {
      ...BEAUTY_IMAGE,
      keepFormats: ['image/jpeg'],
    });
    const what = `sagemaker InvokeEndpoint ${this.options.endpointName}`;
    const deadline = callDeadline(what, signal, this.options.timeoutMs ?? 30_000);
    let output;
    try {
      output = await this.client.send(
        new InvokeEndpointCommand({
          EndpointName: this.options.endpointName,
          ContentType: 'image/jpeg',
          Accept: 'application/json',
          Body: prepared.bytes,
        }),
        { abortSignal: deadline.signal },
      );
    } catch (error) {
      throw deadline.failure(error, (e) => mapAwsError(what, e, signal));
    }
    const { score, raw } = parseBeautyOutput(output.Body ?? new Uint8Array(), this.options);
    return {
      score,
      raw,
      provenance: {
        provider: 'sagemaker',
        model: this.options.modelId ?? this.options.endpointName,
        version: `endpoint=${this.options.endpointName};variant=${output.InvokedProductionVariant ?? 'unknown'}`,
      },
    };
  }
}
