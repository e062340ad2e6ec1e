import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

describe('the explicit process path (StartJob), reruns and deletion', () => {
  let server: TestServer;
  let client: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({ PHAROS_SCRIPTED: JSON.stringify({ describer: { latencyMs: 700 } }) });
    client = await ApiClient.register(server.url);
  });
  afterAll(() => server?.stop());

  it('processes on request, and a rerun clears the previous outputs before replacing them', async () => {
    const socket = await client.socket();
    const imageId = (await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg', '?process=false'))
      .body.image_id;
    // Nothing starts on its own (?process=false): the final timeline holds only the two API runs.
    const idle = await client.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`);
    expect(idle.body).toMatchObject({
      status: 'UPLOADED',
      description: null,
      tags: [],
      beauty_score: null,
      labels: [],
    });
    expect(
      (await client.json<{ items: unknown[] }>('GET', `/images/${imageId}/executions`)).body.items,
    ).toEqual([]);

    const first = await client.json<{ image_id: string; status: string; execution_id: string }>(
      'POST',
      `/images/${imageId}/process`,
    );
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ image_id: imageId, status: 'PROCESSING', execution_id: expect.any(String) });
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === imageId);
    const done = (await client.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`)).body;
    expect(done.status).toBe('READY');
    expect(done.description).toEqual(expect.any(String));
    // Straight after the completion message: the first run may still be closing (it is in Notify), and
    // the rerun waits for it rather than being answered with it.
    socket.messages.length = 0;
    const rerun = await client.json<{ execution_id: string }>('POST', `/images/${imageId}/process`);
    expect(rerun.status).toBe(202);
    expect(rerun.body.execution_id).not.toBe(first.body.execution_id);
    // While the rerun works (the describer is slow), the old outputs are gone, not shown as current.
    const during = (await client.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`)).body;
    expect(during).toMatchObject({
      status: 'PROCESSING',
      description: null,
      tags: [],
      beauty_score: null,
      labels: [],
      processed_at: null,
    });
    const fast = await client.json<{ status: string }>('GET', `/images/${imageId}`);
    expect(fast.body.status).toBe('PROCESSING');
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === imageId);
    const after = (await client.json<Record<string, unknown>>('GET', `/images/${imageId}/ai`)).body;
    expect(after.status).toBe('READY');
    expect(after.description).toBe(done.description); // same photo, deterministic providers
    expect(new Date(after.processed_at as string).getTime()).toBeGreaterThan(
      new Date(done.processed_at as string).getTime(),
    );
    // The rerun's completion message precedes its execution's close: read the timeline once closed.
    const timeline = (
      await client.closedTimeline<{
        items: { execution_id: string; seq: number; trigger: string; status: string }[];
      }>(imageId)
    ).items;
    expect(timeline.map((e) => [e.seq, e.trigger, e.status])).toEqual([
      [2, 'api', 'SUCCEEDED'],
      [1, 'api', 'SUCCEEDED'],
    ]);
    socket.close();
  });

  it('lists with filters, sorting and cursors', async () => {
    const ids: string[] = [];
    for (const name of ['ocean-waves.jpg', 'sheep-pasture.jpg', 'castle-maintenon.jpg']) {
      ids.push((await client.upload(await photo(name), name)).body.image_id);
    }
    for (const id of ids) await client.waitForStatus(id, ['READY']);
    const page1 = await client.json<{ items: { image_id: string }[]; next_cursor: string | null }>(
      'GET',
      '/images?limit=2',
    );
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await client.json<{ items: { image_id: string }[]; next_cursor: string | null }>(
      'GET',
      `/images?limit=2&cursor=${page1.body.next_cursor}`,
    );
    const all = [...page1.body.items, ...page2.body.items].map((i) => i.image_id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(0, 3)).toEqual([...ids].reverse()); // newest first
    const byBeauty = await client.json<{ items: { beauty_score: number | null }[] }>(
      'GET',
      '/images?sort=beauty',
    );
    const scores = byBeauty.body.items.map((i) => i.beauty_score ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const one = (await client.json<{ tags: string[] }>('GET', `/images/${ids[0]}/ai`)).body;
    const tagged = await client.json<{ items: { tags: string[] }[] }>(
      'GET',
      `/images?tag=${encodeURIComponent(one.tags[0]!)}`,
    );
    expect(tagged.body.items.length).toBeGreaterThan(0);
    for (const item of tagged.body.items) expect(item.tags).toContain(one.tags[0]);
    const ready = await client.json<{ items: { status: string }[] }>('GET', '/images?status=READY');
    expect(ready.body.items.every((i) => i.status === 'READY')).toBe(true);
    expect((await client.request('GET', '/images?cursor=garbage')).status).toBe(400);
    expect((await client.request('GET', '/images?status=DONE')).status).toBe(400);
  });

  it('deletes a photo with its objects, results and history', async () => {
    const imageId = (await client.upload(await photo('dahlia-flower.jpg'), 'dahlia.jpg')).body.image_id;
    await client.waitForStatus(imageId, ['READY']);
    const before = await readdir(path.join(server.dataDir, 'objects'), { recursive: true });
    expect(before.some((f) => f.endsWith(imageId))).toBe(true);
    expect((await client.request('DELETE', `/images/${imageId}`)).status).toBe(204);
    expect((await client.request('GET', `/images/${imageId}`)).status).toBe(404);
    expect((await client.request('GET', `/images/${imageId}/executions`)).status).toBe(404);
    const after = await readdir(path.join(server.dataDir, 'objects'), { recursive: true });
    expect(after.some((f) => f.includes(imageId))).toBe(false);
  });

  it('stops quietly when a photo is deleted while it is being processed', async () => {
    const socket = await client.socket();
    const imageId = (await client.upload(await photo('forest-path.jpg'), 'forest.jpg')).body.image_id;
    // The describer takes 700 ms: delete while it works.
    await socket.waitFor(
      (m) => m.image_id === imageId && m.state === 'FilterLabels' && m.status === 'SUCCEEDED',
    );
    expect((await client.request('DELETE', `/images/${imageId}`)).status).toBe(204);
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      // The ticket's job ends completed (not failed and retried into the dead-letter queue).
      await eventually(async () => {
        const { rows } = await db.query<{ state: string }>(
          "SELECT state FROM pgboss.job WHERE name = 'image-processing' AND data->>'image_id' = $1",
          [imageId],
        );
        return rows[0]?.state === 'completed';
      }, "the ticket's job to complete");
      const { rows } = await db.query('SELECT 1 FROM executions WHERE image_id = $1', [imageId]);
      expect(rows).toEqual([]);
    } finally {
      await db.end();
    }
    expect(
      socket.messages.some((m) => m.type === 'image_processing_complete' && m.image_id === imageId),
    ).toBe(false);
    socket.close();
  });
});
