/**
 * Rekognition DetectLabels as the label detector. When storage is S3 the photo is named by
 * `S3Object` (Rekognition reads it in-region: nothing is downloaded or re-uploaded); otherwise its
 * bytes are sent, downscaled under the 5 MB limit of the `Bytes` field.
 */
import {
  DetectLabelsCommand,
  type DetectLabelsCommandInput,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import type { DetectedLabels, Label } from '../../core/domain.js';
import { malformedOutputError } from '../../core/errors.js';
import type { CallOptions, ImageInput, LabelDetector } from '../../core/ports/index.js';
import { prepareForModel } from '../sharp/downscale.js';
import { callDeadline } from '../provider-calls/call-deadline.js';
import { createRekognitionClient } from '../aws-sdk/clients.js';
import { mapAwsError } from '../aws-sdk/errors.js';

/** Rekognition's limit for `Image.Bytes`. */
export const REKOGNITION_MAX_BYTES = 5 * 1024 * 1024;

export interface RekognitionLabelOptions {
  /** 'S3Object' only when the photo really is in an S3 bucket Rekognition can read. */
  source: 'S3Object' | 'bytes';
  maxLabels: number;
  minConfidence: number;
  timeoutMs?: number;
  client?: RekognitionClient;
}

export class RekognitionLabelDetector implements LabelDetector {
  readonly name = 'rekognition';
  private readonly client: RekognitionClient;

  constructor(private readonly options: RekognitionLabelOptions) {
    this.client = options.client ?? createRekognitionClient();
  }

  async detect(image: ImageInput, { signal }: CallOptions): Promise<DetectedLabels> {
    const input: DetectLabelsCommandInput = {
      Image: await this.imageOf(image),
      MaxLabels: this.options.maxLabels,
      MinConfidence: this.options.minConfidence,
    };
    const deadline = callDeadline('rekognition DetectLabels', signal, this.options.timeoutMs ?? 20_000);
    let output;
    try {
      output = await this.client.send(new DetectLabelsCommand(input), { abortSignal: deadline.signal });
    } catch (error) {
      throw deadline.failure(error, (e) => mapAwsError('rekognition DetectLabels', e, signal));
    }
    if (!Array.isArray(output.Labels)) throw malformedOutputError('rekognition answered without Labels');
    const labels: Label[] = [];
    for (const l of output.Labels) {
      if (typeof l.Name !== 'string' || typeof l.Confidence !== 'number') continue;
      const parents = (l.Parents ?? []).map((p) => p.Name).filter((n): n is string => typeof n === 'string');
      const categories = (l.Categories ?? [])
        .map((c) => c.Name)
        .filter((n): n is string => typeof n === 'string');
      labels.push({
        name: l.Name,
        confidence: l.Confidence,
        ...(parents.length ? { parents } : {}),
        ...(categories.length ? { categories } : {}),
      });
    }
    return {
      labels,
      provenance: {
        provider: 'rekognition',
        model: 'DetectLabels',
        version: output.LabelModelVersion ?? 'unknown',
      },
    };
  }

  private async imageOf(image: ImageInput): Promise<DetectLabelsCommandInput['Image']> {
    if (this.options.source === 'S3Object') return { S3Object: { Bucket: image.bucket, Name: image.key } };
    // Rekognition takes JPEG and PNG; anything else, or anything too large, is re-encoded.
    const prepared = await prepareForModel(await image.bytes(), {
      maxEdge: 4096,
      maxBytes: REKOGNITION_MAX_BYTES,
      keepFormats: ['image/jpeg', 'image/png'],
    });
    return { Bytes: prepared.bytes };
  }
}
