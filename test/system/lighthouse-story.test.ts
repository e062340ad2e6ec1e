import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

describe('the lighthouse story, end to end on the local runtime', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it('uploads, streams progress, announces completion to the owner and serves the results', async () => {
    const alice = await ApiClient.register(server.url);
    const socket = await alice.socket();
    const upload = await alice.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({
      status: 'UPLOADED',
      filename: 'lighthouse.jpg',
      width: 638,
      height: 960,
    });
    const imageId = upload.body.image_id;

    const complete = await socket.waitFor(
      (m) => m.type === 'image_processing_complete' && m.image_id === imageId,
    );
    // Exactly the seed's message, nothing more.
    expect(complete).toEqual({ type: 'image_processing_complete', image_id: imageId, status: 'READY' });
    const progressStates = socket.messages
      .filter((m) => m.type === 'image_processing_progress' && m.image_id === imageId)
      .map((m) => `${String(m.state)}:${String(m.status)}`);
    expect(progressStates).toEqual([
      'ExecutionStarted:PROCESSING',
      'InspectImage:SUCCEEDED',
      'DetectLabels:SUCCEEDED',
      'FilterLabels:SUCCEEDED',
      'DescribeAndTag:SUCCEEDED',
      'ScoreBeauty:SUCCEEDED',
      'SaveResults:SUCCEEDED',
    ]);

    const { status, body } = await alice.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`);
    expect(status).toBe(200);
    expect(body.status).toBe('READY');
    expect(typeof body.description).toBe('string');
    expect((body.description as string).length).toBeGreaterThan(5);
    expect(Array.isArray(body.tags) && body.tags.length).toBeGreaterThan(0);
    expect(body.beauty_score).toEqual(expect.any(Number));
    expect(body.beauty_score as number).toBeGreaterThanOrEqual(0);
    expect(body.beauty_score as number).toBeLessThanOrEqual(100);
    expect(Number.isInteger(body.beauty_score)).toBe(true);
    const labels = body.labels as { name: string; confidence: number }[];
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.length).toBeLessThanOrEqual(10);
    for (const label of labels) expect(label.confidence).toBeGreaterThanOrEqual(80);
    expect(body.processed_at).toEqual(expect.any(String));

    const metadata = await alice.json<Record<string, unknown>>('GET', `/images/${imageId}`);
    expect(metadata.body).toMatchObject({
      image_id: imageId,
      status: 'READY',
      content_type: 'image/jpeg',
      bytes: 93936,
    });

    const timeline = await alice.closedTimeline<{
      items: { status: string; states: { state: string; status: string }[] }[];
    }>(imageId);
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]!.status).toBe('SUCCEEDED');
    expect(timeline.items[0]!.states.map((s) => s.state)).toEqual([
      'InspectImage',
      'DetectLabels',
      'FilterLabels',
      'DescribeAndTag',
      'ScoreBeauty',
      'SaveResults',
      'Notify',
    ]);
    socket.close();
  });
});

describe('the lighthouse story on the default offline providers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      PHAROS_LABELS: 'local',
      PHAROS_DESCRIBER: 'local',
      PHAROS_BEAUTY: 'local',
    });
  });
  afterAll(() => server?.stop());

  it('computes labels, caption, tags and score from the photo itself', async () => {
    const alice = await ApiClient.register(server.url);
    const socket = await alice.socket();
    const imageId = (await alice.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg')).body.image_id;
    const complete = await socket.waitFor(
      (m) => m.type === 'image_processing_complete' && m.image_id === imageId,
      120_000,
    );
    expect(complete.status).toBe('READY');
    const { body } = await alice.json<{
      labels: { name: string }[];
      description: string;
      tags: string[];
      beauty_score: number;
      provenance: Record<string, { provider: string } | null>;
    }>('GET', `/images/${imageId}/ai`);
    // A clear blue sky fills most of the photo; the detector must see it.
    expect(body.labels.map((l) => l.name)).toContain('Sky');
    expect(body.description.toLowerCase()).toContain('sky');
    expect(body.tags).toContain('sky');
    expect(body.beauty_score).toBeGreaterThanOrEqual(0);
    expect(body.beauty_score).toBeLessThanOrEqual(100);
    for (const step of ['labels', 'caption', 'beauty']) expect(body.provenance[step]?.provider).toBe('local');
    // The same photo degraded (blurred, darkened) scores lower: the score comes from the pixels.
    const sharp = (await import('sharp')).default;
    const poor = await sharp(await photo('lighthouse.jpg'))
      .blur(6)
      .modulate({ brightness: 0.35 })
      .jpeg({ quality: 30 })
      .toBuffer();
    const poorId = (await alice.upload(poor, 'poor.jpg')).body.image_id;
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === poorId, 120_000);
    const poorResult = await alice.json<{ beauty_score: number }>('GET', `/images/${poorId}/ai`);
    expect(poorResult.body.beauty_score).toBeLessThan(body.beauty_score);
    socket.close();
  }, 180_000);
});
