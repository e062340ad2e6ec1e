/**
 * The offline AI runs on worker threads (issue 12): the real local providers, the real piscina pool,
 * the whole pipeline on real PostgreSQL. Not a timing test: it checks where the work ran and what a
 * thread that dies mid-task does to its photo (one failed attempt, retried) and to the others (nothing).
 */
import pg from 'pg';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiTaskEvent } from '../../src/adapters/piscina/ai-pool.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/wait.js';

const until = (condition: () => boolean, what: string, timeoutMs = 60_000) =>
  eventually(condition, what, timeoutMs);

describe('offline AI on worker threads', () => {
  let server: TestServer;
  let client: ApiClient;
  const events: AiTaskEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      PHAROS_LABELS: 'local',
      PHAROS_DESCRIBER: 'local',
      PHAROS_BEAUTY: 'local',
      PHAROS_AI_THREADS: '1',
    });
    server.runtime.aiPool!.onTask((event) => events.push(event));
    client = await ApiClient.register(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('detects labels and scores beauty off the main thread', async () => {
    expect(server.runtime.aiPool?.threads).toBe(1);
    const id = (await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg')).body.image_id;
    const done = await client.waitForStatus(id, ['READY', 'FAILED'], 90_000);
    expect(done.status).toBe('READY');
    const ai = await client.json<{ labels: { name: string }[]; beauty_score: number | null }>(
      'GET',
      `/images/${id}/ai`,
    );
    expect(ai.body.labels.length).toBeGreaterThan(0);
    expect(typeof ai.body.beauty_score).toBe('number');
    const tasks = events.filter((e) => e.key.endsWith(id));
    expect(tasks.map((e) => e.task).sort()).toEqual(['detectLabels', 'scoreBeauty']);
    for (const task of tasks) {
      expect(task.ok).toBe(true);
      expect(task.thread.isMainThread).toBe(false);
      expect(task.thread.threadId).not.toBe(threadId);
    }
  }, 120_000);

  it('a thread that dies mid-task fails only that attempt: retried on a replacement, others unaffected', async () => {
    const pool = server.runtime.aiPool!;
    const crashesBefore = pool.crashes;
    const victim = (await client.upload(await photo('forest-path.jpg'), 'forest.jpg')).body.image_id;
    // The only thread is now busy with the victim's DetectLabels: stop it as a crash would.
    await until(() => pool.pending > 0, 'the victim photo to reach the AI thread');
    const [thread] = pool.workers;
    const deadThreadId = thread!.threadId;
    const bystander = (await client.upload(await photo('ocean-waves.jpg'), 'ocean.jpg')).body.image_id;
    await thread!.terminate();

    for (const id of [victim, bystander])
      expect((await client.waitForStatus(id, ['READY', 'FAILED'], 90_000)).status).toBe('READY');
    expect(pool.crashes).toBe(crashesBefore + 1);
    // The work after the crash ran on a new thread.
    const later = events.filter((e) => e.key.endsWith(victim) || e.key.endsWith(bystander));
    expect(later.length).toBe(4);
    for (const event of later) expect(event.thread.threadId).not.toBe(deadThreadId);

    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ image_id: string; status: string; error: string | null }>(
      `SELECT e.image_id::text, a.status, a.error
         FROM executions e JOIN state_attempts a ON a.execution_id = e.id
        WHERE a.state = 'DetectLabels' AND e.image_id = ANY($1::uuid[])
        ORDER BY a.attempt`,
      [[victim, bystander]],
    );
    await db.end();
    expect(rows.filter((r) => r.image_id === victim).map((r) => [r.status, r.error])).toEqual([
      ['FAILED', 'Provider.Transient'],
      ['SUCCEEDED', null],
    ]);
    expect(rows.filter((r) => r.image_id === bystander).map((r) => r.status)).toEqual(['SUCCEEDED']);
  }, 180_000);
});
