/**
 * OpenAI's Chat Completions API as the SDK speaks it: `POST /v1/chat/completions` with a bearer key
 * and a strict `json_schema` response format. It answers a caption built from the labels it was sent,
 * or, for a `photo_labels` request carrying the photo as a data URL, a vision model's labels
 * (`visionLabels`; keyless like Ollama when `requireKey` is false), or the injected fault in OpenAI's own error shape (429 with retry-after, 401, 500, schema-breaking JSON).
 */
import type { ServerResponse } from 'node:http';
import { type FakeServer, sendJson, startFakeServer } from './fake-server.js';

export const OPENAI_TEST_KEY = 'sk-pharos-test-0123456789';
export const OPENAI_USAGE = { prompt_tokens: 182, completion_tokens: 41 };

export interface OpenAiFake extends FakeServer {
  /** The parsed request bodies of chat completions. */
  bodies: Record<string, unknown>[];
  /** Seconds sent in `retry-after` with a throttle. */
  retryAfter: string;
  /** What a vision model sees in the photo: the answer to a `photo_labels` request. */
  visionLabels: { name: string; confidence: number }[];
  /** true (OpenAI): a request without the test key is a 401; false (Ollama, vLLM): no key at all is fine. */
  requireKey: boolean;
}

/** A vision model's answer for the lighthouse, in its own wording (case, duplicates) before normalising. */
export const VISION_LABELS = [
  { name: 'lighthouse', confidence: 97 },
  { name: 'Brick  Tower', confidence: 91.26 },
  { name: 'Sky', confidence: 88 },
  { name: 'sky', confidence: 60 },
  { name: 'Outdoors', confidence: 95 },
];

function openAiError(
  response: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { error: { message, type, param: null, code } }, headers);
}

export function captionFor(labels: { name: string }[]) {
  const names = labels.map((l) => l.name.toLowerCase());
  return {
    description: names.length
      ? `A ${names[0]} above the ${names[2] ?? 'water'}, under an open ${names[3] ?? 'sky'}.`
      : 'A photo with no clearly recognised subject.',
    tags: [...names, 'seascape'],
  };
}

export async function startOpenAiServer(): Promise<OpenAiFake> {
  const bodies: Record<string, unknown>[] = [];
  const fake = (await startFakeServer(
    (r) => (r.method === 'POST' && r.path === '/v1/chat/completions' ? 'ChatCompletions' : 'unknown'),
    (request, response, fault) => {
      const keyless = !fake.requireKey && request.headers.authorization === undefined;
      if (
        (!keyless && request.headers.authorization !== `Bearer ${OPENAI_TEST_KEY}`) ||
        fault === 'unauthorized'
      ) {
        // OpenAI echoes a masked key; the adapter must not repeat even that.
        return openAiError(
          response,
          401,
          'Incorrect API key provided: sk-phar***6789.',
          'invalid_request_error',
          'invalid_api_key',
        );
      }
      if (request.method !== 'POST' || request.path !== '/v1/chat/completions')
        return openAiError(response, 404, 'Not found', 'invalid_request_error', null);
      const body = JSON.parse(request.body.toString('utf8')) as {
        model: string;
        messages: {
          role: string;
          content: string | { type: string; text?: string; image_url?: { url?: string } }[];
        }[];
        response_format?: {
          type: string;
          json_schema?: { name?: string; strict?: boolean; schema?: { required?: string[] } };
        };
      };
      bodies.push(body);
      switch (fault) {
        case 'throttle':
          return openAiError(
            response,
            429,
            'Rate limit reached for requests',
            'requests',
            'rate_limit_exceeded',
            { 'retry-after': fake.retryAfter },
          );
        case 'server-error':
          return openAiError(
            response,
            500,
            'The server had an error while processing your request.',
            'server_error',
            null,
          );
        case 'forbidden':
          return openAiError(
            response,
            403,
            'Project does not have access to model',
            'invalid_request_error',
            'model_not_found',
          );
        case 'bad-request':
          return openAiError(
            response,
            400,
            "Invalid schema for response_format 'photo_caption'",
            'invalid_request_error',
            null,
          );
        default:
      }
      const format = body.response_format;
      const vision = format?.json_schema?.name === 'photo_labels';
      if (
        format?.type !== 'json_schema' ||
        format.json_schema?.strict !== true ||
        !format.json_schema.schema?.required?.includes(vision ? 'labels' : 'tags')
      ) {
        return openAiError(
          response,
          400,
          'response_format must be a strict json_schema',
          'invalid_request_error',
          null,
        );
      }
      const user = body.messages.find((m) => m.role === 'user');
      if (vision) {
        // A vision model needs the photo itself: a JPEG or PNG data URL.
        const parts = typeof user?.content === 'string' ? [] : (user?.content ?? []);
        const url = parts.find((p) => p.type === 'image_url')?.image_url?.url ?? '';
        if (!/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]+=*$/.test(url))
          return openAiError(
            response,
            400,
            'image_url must be an image data URL',
            'invalid_request_error',
            null,
          );
        const answer =
          fault === 'malformed'
            ? { labels: 'Lighthouse', confidence: 'high' }
            : { labels: fake.visionLabels };
        return sendCompletion(response, body.model, bodies.length, JSON.stringify(answer));
      }
      const text =
        typeof user?.content === 'string'
          ? user.content
          : (user?.content.find((p) => p.type === 'text')?.text ?? '');
      const labels = JSON.parse(text.slice(text.indexOf('['))) as { name: string }[];
      const content =
        fault === 'malformed'
          ? JSON.stringify({ caption: 'a lighthouse', tags: 'sea' })
          : JSON.stringify(captionFor(labels));
      sendCompletion(response, body.model, bodies.length, content);
    },
  )) as OpenAiFake;
  fake.bodies = bodies;
  fake.retryAfter = '0.05';
  fake.visionLabels = VISION_LABELS;
  fake.requireKey = true;
  return fake;
}

function sendCompletion(response: ServerResponse, model: string, n: number, content: string) {
  sendJson(response, 200, {
    id: `chatcmpl-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: `${model}-2024-07-18`,
    system_fingerprint: 'fp_pharos',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { ...OPENAI_USAGE, total_tokens: OPENAI_USAGE.prompt_tokens + OPENAI_USAGE.completion_tokens },
  });
}

/** Configuration that points the three cloud providers at the wire-protocol fakes (AWS endpoints come from AWS_ENDPOINT_URL_*). */
export function cloudProviderEnv(openaiUrl: string): Record<string, string> {
  return {
    PHAROS_LABELS: 'rekognition',
    PHAROS_DESCRIBER: 'openai',
    PHAROS_BEAUTY: 'sagemaker',
    OPENAI_API_KEY: OPENAI_TEST_KEY,
    OPENAI_BASE_URL: `${openaiUrl}/v1`,
    PHAROS_SAGEMAKER_ENDPOINT: 'pharos-aesthetic',
    PHAROS_SAGEMAKER_LABEL: 'aesthetic',
    PHAROS_SAGEMAKER_MODEL_ID: 'cafeai/cafe_aesthetic',
  };
}
