/**
 * The vision labeller on the wire: what it sends an OpenAI-compatible server (the photo as a small
 * JPEG data URL, a strict label schema, no key unless one is configured — never OPENAI_API_KEY from
 * the environment) and how each answer comes back (normalised labels, malformed output, 429, a hang).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisionLabelDetector, normaliseVisionLabels } from '../../src/adapters/openai/vision-labels.js';
import { photo } from '../support/server.js';
import { useEnv } from './fake-server.js';
import { OPENAI_TEST_KEY, type OpenAiFake, startOpenAiServer } from './openai-server.js';
import { callOptions, failureOf, imageFrom } from './support.js';

let server: OpenAiFake;
let lighthouse: Uint8Array;
let restoreEnv: () => void;

beforeAll(async () => {
  server = await startOpenAiServer();
  server.requireKey = false;
  lighthouse = await photo('lighthouse.jpg');
  // A user's OpenAI key in the environment must not travel to a self-hosted vision server.
  restoreEnv = useEnv({ OPENAI_API_KEY: 'sk-users-real-openai-key', OPENAI_ORG_ID: 'org-users' });
});
afterAll(async () => {
  restoreEnv?.();
  await server?.close();
});

const labeller = (extra: Partial<ConstructorParameters<typeof VisionLabelDetector>[0]> = {}) =>
  new VisionLabelDetector({ baseURL: `${server.url}/v1`, ...extra });

type Body = {
  model: string;
  messages: { role: string; content: string | { type: string; image_url?: { url: string } }[] }[];
  response_format: { json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
};

describe('the vision labeller against an OpenAI-compatible server', () => {
  it('sends a downscaled JPEG data URL with a strict label schema and no credentials, and normalises the answer', async () => {
    const detected = await labeller().detect(imageFrom(lighthouse), callOptions());
    const request = server.requests.at(-1)!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['openai-organization']).toBeUndefined();
    const body = server.bodies.at(-1) as Body;
    expect(body.model).toBe('qwen2.5vl:7b');
    expect(body.response_format.json_schema).toMatchObject({
      name: 'photo_labels',
      strict: true,
      schema: { type: 'object', required: ['labels'], additionalProperties: false },
    });
    const user = body.messages.find((m) => m.role === 'user')!.content as Body['messages'][0]['content'];
    const url = (user as { type: string; image_url?: { url: string } }[]).find((p) => p.type === 'image_url')!
      .image_url!.url;
    expect(url).toMatch(/^data:image\/jpeg;base64,/);
    const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(768); // the lighthouse is 960 px tall

    expect(detected).toEqual({
      labels: [
        { name: 'Lighthouse', confidence: 97 },
        { name: 'Outdoors', confidence: 95 },
        { name: 'Brick Tower', confidence: 91.3 },
        { name: 'Sky', confidence: 88 },
      ],
      provenance: { provider: 'vision', model: 'qwen2.5vl:7b', version: 'qwen2.5vl:7b-2024-07-18;fp_pharos' },
    });
  });

  it('sends the configured key, and only that one', async () => {
    server.requireKey = true;
    try {
      await labeller({ apiKey: OPENAI_TEST_KEY, model: 'gpt-4o-mini' }).detect(
        imageFrom(lighthouse),
        callOptions(),
      );
      expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_TEST_KEY}`);
      const refused = await failureOf(labeller().detect(imageFrom(lighthouse), callOptions()));
      expect(refused).toMatchObject({ name: 'Provider.Permanent', message: expect.stringContaining('401') });
      expect(refused.message).toContain('PHAROS_VISION_API_KEY');
      expect(refused.message).not.toMatch(/sk-/);
    } finally {
      server.requireKey = false;
    }
  });

  it('maps an answer that breaks the schema to malformed output', async () => {
    server.fail('malformed');
    expect(await failureOf(labeller().detect(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.MalformedOutput',
      message: expect.stringContaining('photo_labels schema'),
    });
  });

  it('maps a 429 (after its Retry-After) and a hang past the deadline to transient errors', async () => {
    server.fail('throttle');
    expect(await failureOf(labeller().detect(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('vision: rate limited (HTTP 429) (waited retry-after 50 ms)'),
    });
    server.fail('slow');
    expect(
      await failureOf(labeller({ timeoutMs: 200 }).detect(imageFrom(lighthouse), callOptions())),
    ).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('no answer within 200 ms'),
    });
  });
});

describe('normaliseVisionLabels', () => {
  it("gives a model's wording Rekognition's style: Title Case, one entry per name, best first", () => {
    expect(
      normaliseVisionLabels([
        { name: '  red   car!', confidence: 70 },
        { name: 'Red Car', confidence: 82.04 },
        { name: '***', confidence: 99 },
        { name: "o'clock tower", confidence: 82.04 },
      ]),
    ).toEqual([
      { name: "O'clock Tower", confidence: 82 },
      { name: 'Red Car', confidence: 82 },
    ]);
  });
});
