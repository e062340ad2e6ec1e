/**
 * SIGTERM to a real worker process in the middle of a batch loses nothing: the worker finishes what
 * it holds and exits 0, the rest waits in the queue for the next worker, every photo ends READY and no
 * completed state is run twice.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from '../support/processes.js';
import { eventually } from '../support/wait.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

describe('graceful shutdown of a worker', () => {
  let api: TestServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    api = await startTestServer({}, { role: 'api' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  afterAll(() => api?.stop());

  it('SIGTERM during a batch: in-flight photos finish, queued ones wait, all end READY, nothing redone', async () => {
    const env = { DATABASE_URL: api.databaseUrl, PHAROS_DATA_DIR: api.dataDir, PHAROS_WORKER_BATCH: '2' };
    // A slow describer keeps photos in flight when the signal arrives.
    const first = await spawnWorker({
      ...env,
      PHAROS_SCRIPTED: JSON.stringify({ describer: { latencyMs: 1500 } }),
    });
    workers.push(first);
    const client = await ApiClient.register(api.url);
    const socket = await client.socket();
    const bytes = await photo('lighthouse.jpg');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await client.upload(bytes, `photo-${i}.jpg`)).body.image_id);

    // The first worker is inside DescribeAndTag for at least one photo.
    const inFlight = await socket.waitFor((m) => m.state === 'FilterLabels' && m.status === 'SUCCEEDED');
    const code = await first.kill('SIGTERM');
    expect(code, first.output()).toBe(0);
    expect(first.output()).toMatch(/stopping: finishing in-flight work/);
    // No other worker exists yet: the photo that was in flight was finished by the stopping one.
    const completed = await socket.waitFor(
      (m) => m.type === 'image_processing_complete' && m.image_id === inFlight.image_id,
      10_000,
    );
    expect(completed.status).toBe('READY');
    const finishedByFirst = socket.messages.filter((m) => m.type === 'image_processing_complete');
    expect(finishedByFirst.length).toBeLessThan(ids.length); // some work was left for the next worker

    workers.push(await spawnWorker(env));
    for (const id of ids) {
      const done = await socket.waitFor(
        (m) => m.type === 'image_processing_complete' && m.image_id === id,
        60_000,
      );
      expect(done.status).toBe('READY');
    }
    socket.close();

    const db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    try {
      // The completion message goes out inside Notify, just before its checkpoint: wait for the ends.
      await eventually(async () => {
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM executions WHERE status = 'RUNNING'",
        );
        return rows[0]!.n === 0;
      }, 'every execution closed');
      const { rows } = await db.query<{
        image_id: string;
        state: string;
        succeeded: number;
        lost: number;
        executions: number;
      }>(
        `SELECT e.image_id, a.state,
                count(*) FILTER (WHERE a.status = 'SUCCEEDED')::int AS succeeded,
                count(*) FILTER (WHERE a.error = 'Worker.Lost')::int AS lost,
                count(DISTINCT e.id)::int AS executions
           FROM executions e JOIN state_attempts a ON a.execution_id = e.id
          WHERE e.user_id = $1 GROUP BY e.image_id, a.state`,
        [client.userId],
      );
      expect(new Set(rows.map((r) => r.image_id))).toEqual(new Set(ids));
      for (const row of rows) {
        expect(row, `${row.image_id} ${row.state}`).toMatchObject({ succeeded: 1, lost: 0, executions: 1 });
      }
      expect(rows).toHaveLength(ids.length * 7); // InspectImage … Notify, each once
      const statuses = await db.query<{ status: string }>('SELECT status FROM images WHERE user_id = $1', [
        client.userId,
      ]);
      expect(statuses.rows.map((r) => r.status)).toEqual(ids.map(() => 'READY'));
    } finally {
      await db.end();
    }
  }, 120_000);
});
