/**
 * Fallback lists, one rule for every port: retries first, then the next provider, with the provenance
 * saying so. Each fault kind comes from the providers' own wire protocol (test/wire fakes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind } from '../wire/fake-server.js';
import { type OpenAiFake, cloudProviderEnv } from '../wire/openai-server.js';
import { type RekognitionFake } from '../wire/rekognition-server.js';
import { type SageMakerFake } from '../wire/sagemaker-server.js';
import { type CloudFakes, startCloudFakes } from '../wire/support.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

type Provenance = { provider: string; fallbackFrom?: string[] };
type Ai = {
  status: string;
  provenance: { labels: Provenance; caption: Provenance; beauty: Provenance };
};

let rekognition: RekognitionFake;
let sagemaker: SageMakerFake;
let openai: OpenAiFake;
let fakes: CloudFakes;
let server: TestServer;
let client: ApiClient;

beforeAll(async () => {
  fakes = await startCloudFakes(0.9);
  ({ rekognition, sagemaker, openai } = fakes);
  openai.retryAfter = '0';
  // A hang: longer than the providers' call deadlines (3 s and 2 s at this timeout scale).
  for (const fake of [rekognition, sagemaker, openai]) fake.slowMs = 5_000;
  server = await startTestServer({
    ...cloudProviderEnv(openai.url),
    PHAROS_LABELS: 'rekognition,scripted',
    PHAROS_DESCRIBER: 'openai,scripted',
    PHAROS_BEAUTY: 'sagemaker,scripted',
    // State timeouts (and with them the providers' call deadlines) a tenth of the real ones.
    PHAROS_STATE_TIMEOUT_SCALE: '0.1',
  });
  client = await ApiClient.register(server.url);
});
afterAll(async () => {
  await server?.stop();
  await fakes?.stop();
});

async function processOnce(): Promise<Ai> {
  const upload = await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
  expect(upload.status).toBe(201);
  await client.waitForStatus(upload.body.image_id, ['READY', 'FAILED'], 60_000);
  return (await client.json<Ai>('GET', `/images/${upload.body.image_id}/ai`)).body;
}

describe('the describer list openai,scripted', () => {
  // Four attempts for transient faults (1 + 3 retries), two for malformed output, one for a permanent error.
  it.each<[string, FaultKind, number]>([
    ['429 throttling', 'throttle', 4],
    ['a 500', 'server-error', 4],
    ['a hang past the call deadline', 'slow', 4],
    ['malformed output', 'malformed', 2],
    ['a permanent error (revoked key)', 'unauthorized', 1],
  ])(
    '%s: OpenAI is retried as the policy says, then the scripted describer answers',
    async (_n, kind, calls) => {
      const before = openai.requests.length;
      openai.fail(...Array<FaultKind>(calls).fill(kind));
      const ai = await processOnce();
      expect(ai.status).toBe('READY');
      expect(ai.provenance.caption).toMatchObject({ provider: 'scripted', fallbackFrom: ['openai'] });
      expect(openai.requests.length - before).toBe(calls);
      expect(openai.faults).toEqual([]);
    },
  );

  it('a fault that a retry cures: OpenAI answers on the second attempt, no fallback', async () => {
    const before = openai.requests.length;
    openai.fail('server-error');
    const ai = await processOnce();
    expect(ai.status).toBe('READY');
    expect(ai.provenance.caption.provider).toBe('openai');
    expect(ai.provenance.caption.fallbackFrom).toBeUndefined();
    expect(openai.requests.length - before).toBe(2);
  });
});

describe('the same rule for labels and beauty', () => {
  it('Rekognition failing with 500s on every attempt: the scripted detector answers, and says so', async () => {
    const before = rekognition.requests.length;
    rekognition.fail(...Array<FaultKind>(4).fill('server-error'));
    const ai = await processOnce();
    expect(ai.status).toBe('READY');
    expect(ai.provenance.labels).toMatchObject({ provider: 'scripted', fallbackFrom: ['rekognition'] });
    expect(rekognition.requests.length - before).toBe(4);
  });

  it('SageMaker hanging on every attempt: the scripted scorer answers, and says so', async () => {
    const before = sagemaker.requests.length;
    sagemaker.fail(...Array<FaultKind>(4).fill('slow'));
    const ai = await processOnce();
    expect(ai.status).toBe('READY');
    expect(ai.provenance.beauty).toMatchObject({ provider: 'scripted', fallbackFrom: ['sagemaker'] });
    expect(sagemaker.requests.length - before).toBe(4);
  });
});
