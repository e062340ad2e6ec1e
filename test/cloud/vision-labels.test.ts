/**
 * `PHAROS_LABELS=vision,local` end to end through a real server: a vision model behind an
 * OpenAI-compatible server (the wire fake, keyless like Ollama) labels the photo; when it strays from
 * the schema, throttles or hangs, the pipeline retries it as its policy says and then the offline
 * labeller answers, with `fallbackFrom` saying who failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultKind } from '../wire/fake-server.js';
import { type OpenAiFake, startOpenAiServer } from '../wire/openai-server.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

type Ai = {
  status: string;
  labels: { name: string; confidence: number }[];
  provenance: { labels: { provider: string; model: string; fallbackFrom?: string[] } };
};

let vision: OpenAiFake;
let server: TestServer;
let client: ApiClient;

beforeAll(async () => {
  vision = await startOpenAiServer();
  vision.requireKey = false;
  vision.retryAfter = '0';
  vision.slowMs = 4_000; // past the 1 s call deadline below
  server = await startTestServer({
    PHAROS_LABELS: 'vision,local',
    PHAROS_VISION_URL: `${vision.url}/v1`,
    PHAROS_VISION_MODEL: 'qwen2.5vl:7b',
    PHAROS_VISION_TIMEOUT_SECONDS: '1',
    PHAROS_AI_THREADS: '1',
  });
  client = await ApiClient.register(server.url);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await vision?.close();
});

async function processOnce(): Promise<Ai> {
  const upload = await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
  expect(upload.status).toBe(201);
  await client.waitForStatus(upload.body.image_id, ['READY', 'FAILED'], 90_000);
  return (await client.json<Ai>('GET', `/images/${upload.body.image_id}/ai`)).body;
}

describe('the label list vision,local', () => {
  it("a good answer: the vision model's labels, filtered by the core's policy, reach GET /images/{id}/ai", async () => {
    const before = vision.requests.length;
    const ai = await processOnce();
    expect(ai.status).toBe('READY');
    expect(ai.labels).toEqual([
      { name: 'Lighthouse', confidence: 97 },
      { name: 'Outdoors', confidence: 95 },
      { name: 'Brick Tower', confidence: 91.3 },
      { name: 'Sky', confidence: 88 },
    ]);
    expect(ai.provenance.labels).toEqual({
      provider: 'vision',
      model: 'qwen2.5vl:7b',
      version: 'qwen2.5vl:7b-2024-07-18;fp_pharos',
    });
    expect(vision.requests.length - before).toBe(1);
  });

  // Malformed output: one retry (two calls); 429 and a hang: 1 attempt + 3 retries.
  it.each<[string, FaultKind, number]>([
    ['malformed output', 'malformed', 2],
    ['a timeout', 'slow', 4],
    ['429 throttling', 'throttle', 4],
  ])(
    '%s: the vision model is retried as the policy says, then the local labeller answers',
    async (_n, kind, calls) => {
      const before = vision.requests.length;
      vision.fail(...Array<FaultKind>(calls).fill(kind));
      const ai = await processOnce();
      expect(ai.status).toBe('READY');
      expect(ai.provenance.labels).toMatchObject({ provider: 'local', fallbackFrom: ['vision'] });
      expect(ai.labels.map((l) => l.name)).not.toContain('Brick Tower');
      expect(vision.requests.length - before).toBe(calls);
      expect(vision.faults).toEqual([]);
    },
  );
});
