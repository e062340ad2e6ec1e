/**
 * A self-hosted beauty model behind plain HTTP (`PHAROS_BEAUTY=http`): POST a downscaled JPEG, read
 * the same two answer contracts as SageMaker. Throttles and 5xx are transient; other 4xx are not.
 */
import type { BeautyScore } from '../../core/domain.js';
import { permanentError, transientError } from '../../core/errors.js';
import type { BeautyScorer, CallOptions, ImageInput } from '../../core/ports/index.js';
import { BEAUTY_IMAGE } from '../sagemaker/beauty-scorer.js';
import { prepareForModel } from '../sharp/downscale.js';
import { type BeautyContract, parseBeautyOutput } from '../provider-calls/beauty-output.js';
import { callDeadline, retryAfterMs, waitOutRetryAfter } from '../provider-calls/call-deadline.js';

export interface HttpBeautyOptions extends BeautyContract {
  url: string;
  /** Sent as a bearer token when set; never logged. */
  apiKey?: string;
  modelId?: string;
  timeoutMs?: number;
  /** Longest Retry-After waited out before the transient error goes to the retry policy. */
  retryAfterCapMs?: number;
}

export class HttpBeautyScorer implements BeautyScorer {
  readonly name = 'http';

  constructor(private readonly options: HttpBeautyOptions) {}

  async score(image: ImageInput, { signal }: CallOptions): Promise<BeautyScore> {
    const prepared = await prepareForModel(await image.bytes(), {
      ...BEAUTY_IMAGE,
      keepFormats: ['image/jpeg'],
    });
    const what = `beauty model at ${new URL(this.options.url).host}`;
    const deadline = callDeadline(what, signal, this.options.timeoutMs ?? 30_000);
    let response: Response;
    let body: Uint8Array;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'image/jpeg',
          accept: 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: new Uint8Array(prepared.bytes),
        signal: deadline.signal,
      });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw deadline.failure(error, (e) => transientError(`${what}: ${(e as Error).message}`, e));
    }
    if (response.status === 429 || response.status >= 500) {
      const waited = await waitOutRetryAfter(
        retryAfterMs(response.headers),
        this.options.retryAfterCapMs ?? 10_000,
        signal,
      );
      throw transientError(`${what} answered HTTP ${response.status}${waited}`);
    }
    if (!response.ok) {
      throw permanentError(
        `${what} refused the request: HTTP ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`,
      );
    }
    const { score, raw } = parseBeautyOutput(body, this.options);
    return {
      score,
      raw,
      provenance: {
        provider: 'http',
        model: this.options.modelId ?? this.options.url,
        version: response.headers.get('x-model-version') ?? 'unknown',
      },
    };
  }
}
