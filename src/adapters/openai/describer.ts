/**
 * OpenAI (or any server speaking its Chat Completions API: Ollama, vLLM, LM Studio, Azure OpenAI) as
 * the describer. One small call with Structured Outputs (chat.ts): a strict JSON schema generated from
 * the zod schema below, so the model is constrained to it and the answer is still validated here.
 *
 * Privacy by default: only the filtered labels are sent. Vision mode (opt-in) adds a downscaled image.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import type { Caption, Label } from '../../core/domain.js';
import { MAX_DESCRIPTION_LENGTH, TAG_RULES, normaliseCaption } from '../../core/policies.js';
import type { CallOptions, Describer, ImageInput } from '../../core/ports/index.js';
import {
  type ChatCaller,
  DEFAULT_TIMEOUT_MS,
  imageDataUrl,
  servedVersion,
  structuredCompletion,
} from './chat.js';
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

const CALLER: ChatCaller = {
  who: 'openai',
  keyVariable: 'OPENAI_API_KEY',
  modelVariable: 'PHAROS_OPENAI_MODEL',
  urlVariable: 'OPENAI_BASE_URL',
};

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
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
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
      const url = await imageDataUrl(image, 512, 512 * 1024);
      content.push({ type: 'image_url', image_url: { url, detail: 'low' } });
    }

    const { data, completion } = await structuredCompletion(
      this.client,
      CALLER,
      {
        model: this.model,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: this.options.vision ? content : text },
        ],
        schema: CaptionSchema,
        schemaName: 'photo_caption',
      },
      { signal, timeoutMs: this.options.timeoutMs, retryAfterCapMs: this.options.retryAfterCapMs },
    );

    const inputTokens = completion.usage?.prompt_tokens ?? 0;
    const outputTokens = completion.usage?.completion_tokens ?? 0;
    return normaliseCaption({
      description: data.description,
      tags: data.tags,
      provenance: { provider: 'openai', model: this.model, version: servedVersion(completion) },
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
