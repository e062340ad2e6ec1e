/**
 * The lighthouse story with the cloud providers selected by configuration alone — Rekognition,
 * OpenAI and SageMaker through their official SDKs — against local servers that speak their wire
 * protocols. The card shows what those servers answered; a throttled first answer is retried by the
 * pipeline; a rejected OpenAI key falls back to the next describer and the provenance says so.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAI_USAGE, type OpenAiFake, cloudProviderEnv } from '../wire/openai-server.js';
import { type RekognitionFake } from '../wire/rekognition-server.js';
import { type SageMakerFake } from '../wire/sagemaker-server.js';
import { type CloudFakes, startCloudFakes } from '../wire/support.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

async function queryOne<T>(url: string, sql: string, params: unknown[]): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(sql, params);
    if (!rows[0]) throw new Error(`no row for ${sql}`);
    return rows[0] as T;
  } finally {
    await client.end();
  }
}

let rekognition: RekognitionFake;
let sagemaker: SageMakerFake;
let openai: OpenAiFake;
let fakes: CloudFakes;

const cloudEnv = () => cloudProviderEnv(openai.url);

beforeAll(async () => {
  fakes = await startCloudFakes(0.9142);
  ({ rekognition, sagemaker, openai } = fakes);
});
afterAll(async () => {
  await fakes?.stop();
});

describe('the lighthouse story on Rekognition, OpenAI and SageMaker', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(cloudEnv());
  });
  afterAll(() => server?.stop());

  it('shows what the services answered, after retrying a throttled first answer', async () => {
    const alice = await ApiClient.register(server.url);
    const socket = await alice.socket();
    const bytes = await photo('lighthouse.jpg');
    rekognition.fail({ kind: 'throttle', operation: 'DetectLabels' });
    const rekognitionBefore = rekognition.requests.length;
    const upload = await alice.upload(bytes, 'lighthouse.jpg');
    expect(upload.status).toBe(201);
    const imageId = upload.body.image_id;

    const complete = await socket.waitFor(
      (m) => m.type === 'image_processing_complete' && m.image_id === imageId,
    );
    expect(complete).toEqual({ type: 'image_processing_complete', image_id: imageId, status: 'READY' });
    expect(
      socket.messages
        .filter((m) => m.image_id === imageId)
        .map((m) => `${String(m.state)}:${String(m.status)}`),
    ).toContain('DetectLabels:RETRYING');

    // Throttled once, then answered: two DetectLabels requests, one per pipeline attempt.
    expect(rekognition.requests.length - rekognitionBefore).toBe(2);
    expect(rekognition.faultsServed).toBe(1);
    // The photo's own bytes reached Rekognition (storage is the local disk, not S3).
    expect(rekognition.images.at(-1)).toEqual({ bytes: bytes.byteLength });

    const { status, body } = await alice.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'READY',
      description: 'A lighthouse above the sea, under an open sky.',
      tags: ['lighthouse', 'tower', 'sea', 'sky', 'rock', 'seascape'],
      beauty_score: 91,
    });
    // Filtered by the core's policy (top 10 at ≥ 80) from Rekognition's answer.
    expect(body.labels).toEqual([
      { name: 'Lighthouse', confidence: 99.2 },
      { name: 'Tower', confidence: 98.7 },
      { name: 'Sea', confidence: 95.4 },
      { name: 'Sky', confidence: 91 },
      { name: 'Rock', confidence: 84.5 },
    ]);
    // The record keeps Rekognition's parents and categories (the API shows the seed's name/confidence).
    const stored = await queryOne<{ labels: unknown }>(
      server.databaseUrl,
      'SELECT labels FROM images WHERE id = $1',
      [imageId],
    );
    expect((stored.labels as unknown[])[0]).toEqual({
      name: 'Lighthouse',
      confidence: 99.2,
      parents: ['Building', 'Tower'],
      categories: ['Buildings and Architecture'],
    });
    expect(body.provenance).toMatchObject({
      labels: { provider: 'rekognition', model: 'DetectLabels', version: '3.0' },
      caption: { provider: 'openai', model: 'gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18;fp_pharos' },
      beauty: {
        provider: 'sagemaker',
        model: 'cafeai/cafe_aesthetic',
        version: 'endpoint=pharos-aesthetic;variant=AllTraffic',
      },
    });

    // OpenAI got only the filtered labels, one call; SageMaker one JPEG.
    const sentLabels = JSON.stringify(openai.bodies.at(-1));
    expect(sentLabels).toContain('"name\\":\\"Lighthouse\\"');
    expect(sentLabels).not.toContain('Cloud'); // 71.2 %: filtered out before the describer
    expect(sentLabels).not.toContain('image_url');
    expect(sagemaker.endpoints).toEqual(['pharos-aesthetic']);
    socket.close();
  });

  it('keeps the token usage and estimated cost of the caption in the execution', async () => {
    const alice = await ApiClient.register(server.url);
    const upload = await alice.upload(await photo('lighthouse.jpg'), 'again.jpg');
    await alice.waitForStatus(upload.body.image_id, ['READY']);
    const execution = await queryOne<{ document: { caption: { usage: unknown } } }>(
      server.databaseUrl,
      'SELECT document FROM executions WHERE image_id = $1',
      [upload.body.image_id],
    );
    // gpt-4o-mini at $0.15 / $0.60 per million tokens.
    expect(execution.document.caption.usage).toEqual({
      inputTokens: OPENAI_USAGE.prompt_tokens,
      outputTokens: OPENAI_USAGE.completion_tokens,
      estimatedCostUsd: (OPENAI_USAGE.prompt_tokens * 0.15 + OPENAI_USAGE.completion_tokens * 0.6) / 1e6,
    });
  });
});

describe('fallback from OpenAI to the next describer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      ...cloudEnv(),
      PHAROS_DESCRIBER: 'openai,scripted',
      OPENAI_API_KEY: 'sk-revoked-key-0000',
    });
  });
  afterAll(() => server?.stop());

  it('answers with the scripted describer when OpenAI rejects the key, and says so', async () => {
    const bob = await ApiClient.register(server.url);
    const before = openai.requests.length;
    const upload = await bob.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
    const result = await bob.waitForStatus(upload.body.image_id, ['READY', 'FAILED']);
    expect(result.status).toBe('READY');
    const { body } = await bob.json<{
      provenance: { caption: Record<string, unknown> };
      description: string;
    }>('GET', `/images/${upload.body.image_id}/ai`);
    expect(body.provenance.caption).toEqual({
      provider: 'scripted',
      model: 'scripted',
      version: '1',
      fallbackFrom: ['openai'],
    });
    expect(body.description).toMatch(/^A photo showing lighthouse/);
    // A 401 is permanent: one request, no retries.
    expect(openai.requests.length - before).toBe(1);
    expect(openai.requests.at(-1)!.headers.authorization).toBe('Bearer sk-revoked-key-0000');
  });
});
