/**
 * Open-vocabulary labels from a vision model behind an OpenAI-compatible Chat Completions API
 * (`PHAROS_LABELS=vision`): Ollama with qwen2.5-vl, llava or gemma3, vLLM, LM Studio, OpenAI. The photo
 * goes as a downscaled JPEG data URL; the answer is constrained by a strict JSON schema and validated
 * against it (chat.ts), so a model that strays is `Provider.MalformedOutput`, retried, then the next
 * labeller of the list answers (`PHAROS_LABELS=vision,local`).
 *
 * The photo leaves the process: point PHAROS_VISION_URL at a server you trust (a local one by default
 * in the docs). The key, when one is needed, comes from PHAROS_VISION_API_KEY and is never logged.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import type { DetectedLabels, Label } from '../../core/domain.js';
import type { CallOptions, ImageInput, LabelDetector } from '../../core/ports/index.js';
import {
  type ChatCaller,
  DEFAULT_TIMEOUT_MS,
  imageDataUrl,
  servedVersion,
  structuredCompletion,
} from './chat.js';

export const DEFAULT_VISION_MODEL = 'qwen2.5vl:7b';
/** Enough for small objects and signs; vision models tile or resize to about this anyway. */
const IMAGE_EDGE = 768;
const MAX_LABELS = 20;

export const VisionLabelsSchema = z.object({
  labels: z
    .array(
      z.object({
        name: z.string().describe('An English noun or short noun phrase in Title Case, e.g. "Lighthouse".'),
        confidence: z
          .number()
          .min(0)
          .max(100)
          .describe('How sure you are that it is visible in the photo, 0 to 100.'),
      }),
    )
    .max(MAX_LABELS)
    .describe('What the photo shows, most certain first.'),
});

const SYSTEM_PROMPT = [
  'You label photos for a photo library, like an image-recognition service.',
  'List what is clearly visible: the main subject first, then objects, animals, people, and the setting',
  '(Outdoors or Indoors, Sky, Water, Plant, Building, Night, Text, Food, Vehicle) when they apply.',
  'Give each label a confidence from 0 to 100 that it is visible; never guess names of people, places or brands.',
  `At most ${MAX_LABELS} labels; no duplicates.`,
].join(' ');

const CALLER: ChatCaller = {
  who: 'vision',
  keyVariable: 'PHAROS_VISION_API_KEY',
  modelVariable: 'PHAROS_VISION_MODEL',
  urlVariable: 'PHAROS_VISION_URL',
};

export interface VisionLabelOptions {
  /** The server's OpenAI-compatible base URL, e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  baseURL: string;
  model?: string;
  /** Absent: no Authorization header at all (Ollama and vLLM need none). */
  apiKey?: string;
  timeoutMs?: number;
  retryAfterCapMs?: number;
}

export class VisionLabelDetector implements LabelDetector {
  readonly name = 'vision';
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: VisionLabelOptions) {
    this.model = options.model ?? DEFAULT_VISION_MODEL;
    this.client = new OpenAI({
      // Every credential explicit, so the SDK never picks OPENAI_API_KEY (or an organisation) from the
      // environment and sends it to a server that is not OpenAI's.
      apiKey: options.apiKey ?? 'unused',
      organization: null,
      project: null,
      adminAPIKey: null,
      baseURL: options.baseURL,
      defaultHeaders: options.apiKey ? {} : { Authorization: null },
      maxRetries: 0,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  async detect(image: ImageInput, { signal }: CallOptions): Promise<DetectedLabels> {
    const url = await imageDataUrl(image, IMAGE_EDGE, 1024 * 1024);
    const { data, completion } = await structuredCompletion(
      this.client,
      CALLER,
      {
        model: this.model,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Label this photo.' },
              { type: 'image_url', image_url: { url, detail: 'auto' } },
            ],
          },
        ],
        schema: VisionLabelsSchema,
        schemaName: 'photo_labels',
      },
      { signal, timeoutMs: this.options.timeoutMs, retryAfterCapMs: this.options.retryAfterCapMs },
    );
    return {
      labels: normaliseVisionLabels(data.labels),
      provenance: { provider: 'vision', model: this.model, version: servedVersion(completion) },
    };
  }
}

/**
 * Rekognition's label style from a model's free wording: Title Case, single spaces, one entry per name
 * (its highest confidence), best first. Empty names are dropped.
 */
export function normaliseVisionLabels(labels: readonly { name: string; confidence: number }[]): Label[] {
  const best = new Map<string, Label>();
  for (const { name, confidence } of labels) {
    const clean = name
      .replace(/[^\p{L}\p{N}' -]+/gu, ' ')
      .trim()
      .replace(/\s+/g, ' ')
      .split(' ')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
      .join(' ');
    if (!clean) continue;
    const rounded = Math.round(confidence * 10) / 10;
    const seen = best.get(clean.toLowerCase());
    if (!seen || seen.confidence < rounded)
      best.set(clean.toLowerCase(), { name: clean, confidence: rounded });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}
