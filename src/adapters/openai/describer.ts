/**
 * OpenAI (or any server speaking its Chat Completions API: Ollama, vLLM, LM Studio, Azure OpenAI) as
 * the describer. One small call with Structured Outputs: a strict JSON schema generated from the zod
 * schema below, so the model is constrained to it and the answer is still validated here.
 *
 * Privacy by default: only the filtered labels are sent. Vision mode (opt-in) adds a downscaled image.
 *
 * Retries: the SDK's are off (`maxRetries: 0`). The DescribeAndTag state's retry policy owns them, so
 * attempts are counted once and show in the execution timeline; a 429's Retry-After is waited out here
 * (up to a cap) before the transient error goes back to that policy.
 */
import OpenAI, { APIError, APIConnectionError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { Caption, Label } from '../../core/domain.js';
import { malformedOutputError, permanentError, transientError } from '../../core/errors.js';
import { MAX_DESCRIPTION_LENGTH, TAG_RULES, normaliseCaption } from '../../core/policies.js';
import type { CallOptions, Describer, ImageInput } from '../../core/ports/index.js';
import { prepareForModel } from '../sharp/downscale.js';
import { callDeadline, retryAfterMs, waitOutRetryAfter } from '../provider-calls/call-deadline.js';
import { type TokenPrice, estimateCostUsd, priceOf } from './pricing.js';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

export const CaptionSchema = z.object({
  description: z
    .string()
    .describe(`One neutral sentence describing the photo, at most ${MAX_DESCRIPTION_LENGTH} characters.`),
  tags: z
    .array(z.string().describe('A lowercase keyword of one to three words.'))
    .max(TAG_RULES.maxTags)
    .describe('Search keywords for the photo, most relevant first.'),
});

const SYSTEM_PROMPT = [
  'You write the caption and search tags for a photo library.',
  'You are given labels detected in the photo, with confidences from 0 to 100.',
  'Describe only what the labels (and the image, when one is attached) support; never invent people, places or brands.',
  'If there are no labels and no image, say the photo has no clearly recognised subject.',
].join(' ');

export interface OpenAiDescriberOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** Opt-in: also send a downscaled image (leaves the device; off by default). */
  vision?: boolean;
  timeoutMs?: number;
  retryAfterCapMs?: number;
  price?: TokenPrice;
}

export class OpenAiDescriber implements Describer {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiDescriberOptions) {
    this.model = options.model ?? DEFAULT_OPENAI_MODEL;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 30_000,
    });
  }

  async describe(
    { labels, image }: { labels: Label[]; image: ImageInput },
    { signal }: CallOptions,
  ): Promise<Caption> {
    const facts = labels.map((l) => ({ name: l.name, confidence: Math.round(l.confidence) }));
    const text = `Detected labels (JSON): ${JSON.stringify(facts)}`;
    const content: OpenAI.Chat.ChatCompletionContentPart[] = [{ type: 'text', text }];
    if (this.options.vision) {
      const small = await prepareForModel(await image.bytes(), { maxEdge: 512, maxBytes: 512 * 1024 });
      const url = `data:${small.contentType};base64,${Buffer.from(small.bytes).toString('base64')}`;
      content.push({ type: 'image_url', image_url: { url, detail: 'low' } });
    }

    const deadline = callDeadline(`openai ${this.model}`, signal, this.options.timeoutMs ?? 30_000);
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: this.options.vision ? content : text },
          ],
          response_format: zodResponseFormat(CaptionSchema, 'photo_caption'),
        },
        { signal: deadline.signal },
      );
    } catch (error) {
      if (error instanceof APIError && error.status === 429 && !isQuotaExhausted(error)) {
        const waited = await waitOutRetryAfter(
          retryAfterMs(error.headers),
          this.options.retryAfterCapMs ?? 10_000,
          signal,
        );
        throw transientError(`openai: rate limited (HTTP 429)${waited}`, error);
      }
      throw deadline.failure(error, mapOpenAiError);
    }

    const choice = completion.choices?.[0];
    if (!choice) throw malformedOutputError('openai answered with no choices');
    if (choice.message.refusal)
      throw permanentError(`openai refused: ${choice.message.refusal.slice(0, 200)}`);
    if (choice.finish_reason === 'length')
      throw malformedOutputError('openai answer was cut off (finish_reason=length)');
    const parsed = parseCaption(choice.message.content);

    const inputTokens = completion.usage?.prompt_tokens ?? 0;
    const outputTokens = completion.usage?.completion_tokens ?? 0;
    return normaliseCaption({
      description: parsed.description,
      tags: parsed.tags,
      provenance: {
        provider: 'openai',
        model: this.model,
        version: [completion.model, completion.system_fingerprint].filter(Boolean).join(';') || 'unknown',
      },
      usage: {
        inputTokens,
        outputTokens,
        estimatedCostUsd: estimateCostUsd(
          priceOf(completion.model || this.model, this.options.price),
          inputTokens,
          outputTokens,
        ),
      },
    });
  }
}

function parseCaption(content: string | null | undefined): z.infer<typeof CaptionSchema> {
  if (!content) throw malformedOutputError('openai answered with an empty message');
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw malformedOutputError(`openai answer is not JSON: ${JSON.stringify(content.slice(0, 80))}`);
  }
  const result = CaptionSchema.safeParse(json);
  if (!result.success) {
    throw malformedOutputError(
      `openai answer breaks the caption schema: ${z.prettifyError(result.error).replace(/\s+/g, ' ')}`,
    );
  }
  return result.data;
}

/** A 429 for an exhausted quota or billing limit: waiting will not help. */
function isQuotaExhausted(error: APIError): boolean {
  return error.code === 'insufficient_quota' || error.type === 'insufficient_quota';
}

function mapOpenAiError(error: unknown): Error {
  if (error instanceof APIUserAbortError) return transientError('openai: request aborted', error);
  if (error instanceof APIConnectionError)
    return transientError(`openai: connection failed: ${error.message}`, error);
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    if (status === 429 && isQuotaExhausted(error))
      return permanentError('openai: quota exhausted (HTTP 429 insufficient_quota)', error);
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return transientError(`openai: HTTP ${status}`, error);
    }
    // The server's message for a bad key may echo part of it: say what failed without quoting it.
    if (status === 401)
      return permanentError('openai: the API key was rejected (HTTP 401): check OPENAI_API_KEY', error);
    if (status === 403)
      return permanentError(
        'openai: access denied (HTTP 403): the key lacks access to this model or region',
        error,
      );
    if (status === 404)
      return permanentError(
        'openai: model or endpoint not found (HTTP 404): check PHAROS_OPENAI_MODEL and OPENAI_BASE_URL',
        error,
      );
    return permanentError(
      `openai: request rejected (HTTP ${status}): ${(error.error as { message?: string } | undefined)?.message ?? error.code ?? ''}`.trim(),
      error,
    );
  }
  return transientError(`openai: ${error instanceof Error ? error.message : String(error)}`, error);
}
