import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

describe('text in photos (PHAROS_TEXT=local) on the local runtime', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PHAROS_TEXT: 'local' });
  }, 120_000);
  afterAll(() => server?.stop());

  it('reads a sign, labels it Text, stores the text, returns it and finds the photo by it', async () => {
    const alice = await ApiClient.register(server.url);
    const sign = await alice.upload(await photo('customer-freephone-sign.jpg'), 'sign.jpg');
    const forest = await alice.upload(await photo('forest-path.jpg'), 'forest.jpg');
    expect(sign.status).toBe(201);

    const read = await alice.waitForStatus(sign.body.image_id, ['READY', 'FAILED'], 120_000);
    expect(read.status).toBe('READY');
    const { body } = await alice.json<{
      text: string | null;
      labels: { name: string; confidence: number }[];
      provenance: Record<string, unknown>;
    }>('GET', `/images/${sign.body.image_id}/ai`);
    expect(body.text).toContain('Freephone');
    expect(body.text).toContain('Private Hire');
    expect(body.labels.map((l) => l.name)).toContain('Text');
    expect(body.provenance.text).toMatchObject({ provider: 'local' });

    const plain = await alice.waitForStatus(forest.body.image_id, ['READY', 'FAILED'], 120_000);
    expect(plain.status).toBe('READY');
    const forestAi = await alice.json<{ text: string | null; labels: { name: string }[] }>(
      'GET',
      `/images/${forest.body.image_id}/ai`,
    );
    expect(forestAi.body.text).toBeNull();
    expect(forestAi.body.labels.map((l) => l.name)).not.toContain('Text');

    const found = await alice.json<{ items: { image_id: string }[] }>('GET', '/images?q=freephone');
    expect(found.body.items.map((i) => i.image_id)).toEqual([sign.body.image_id]);
  }, 240_000);
});
