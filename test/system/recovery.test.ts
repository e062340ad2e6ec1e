import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports/index.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/wait.js';

/** The worker's log, keeping how many tickets each stalled-work sweep re-sent. */
const sweeps: number[] = [];
const sweepCounter: Logger = {
  debug: (obj, msg) =>
    void (msg === 'stalled-work sweep done' && sweeps.push((obj as { resent: number }).resent)),
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => sweepCounter,
};

describe('work orphaned between a commit and its queue send is recovered', () => {
  let api: TestServer;
  let worker: TestServer | undefined;
  beforeAll(async () => {
    api = await startTestServer({}, { role: 'api' });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
  });

  it('re-sends tickets for stalled executions and never-started uploads; each photo ends READY once', async () => {
    const client = await ApiClient.register(api.url);
    const socket = await client.socket();
    const uploaded = (await client.upload(await photo('lighthouse.jpg'), 'a.jpg')).body.image_id;
    const idle = (await client.upload(await photo('ocean-waves.jpg'), 'b.jpg', '?process=false')).body
      .image_id;
    const started = await client.json<{ execution_id: string }>('POST', `/images/${idle}/process`);
    expect(started.status).toBe(202);

    // Simulate a crash right after the commits: the queued tickets are lost.
    const db = new pg.Client({ connectionString: api.databaseUrl });
    await db.connect();
    const removed = await db.query("DELETE FROM pgboss.job WHERE name = 'image-processing'");
    // Two upload events (the second is for a photo uploaded with process=false) and one process call.
    expect(removed.rowCount).toBe(3);

    worker = await startTestServer(
      { PHAROS_SWEEP_SECONDS: '1', PHAROS_STALLED_AFTER_SECONDS: '1' },
      { role: 'worker', databaseUrl: api.databaseUrl, dataDir: api.dataDir, logger: sweepCounter },
    );
    for (const id of [uploaded, idle]) {
      const done = await socket.waitFor(
        (m) => m.type === 'image_processing_complete' && m.image_id === id,
        30_000,
      );
      expect(done.status).toBe('READY');
    }
    // Two more sweeps, each started after both photos were READY and idle longer than the stalled
    // threshold: they must re-send nothing. Then every ticket the queue holds has been handled.
    const readyAt = sweeps.length;
    await eventually(() => sweeps.length >= readyAt + 3, 'two full sweeps after both photos were READY');
    expect(sweeps.slice(readyAt + 1)).toEqual([0, 0]);
    await eventually(
      async () =>
        (
          await db.query(
            "SELECT id FROM pgboss.job WHERE name = 'image-processing' AND state IN ('created', 'retry', 'active')",
          )
        ).rowCount === 0,
      'every queued ticket to be handled',
    );
    const { rows } = await db.query<{ image_id: string; executions: number; detect: number }>(
      `SELECT e.image_id::text, count(DISTINCT e.id)::int AS executions,
              count(a.id) FILTER (WHERE a.state = 'DetectLabels')::int AS detect
         FROM executions e JOIN state_attempts a ON a.execution_id = e.id GROUP BY e.image_id`,
    );
    await db.end();
    expect(rows.sort((a, b) => a.image_id.localeCompare(b.image_id))).toEqual(
      [uploaded, idle].sort().map((image_id) => ({ image_id, executions: 1, detect: 1 })),
    );
    expect(socket.messages.filter((m) => m.type === 'image_processing_complete')).toHaveLength(2);
    socket.close();
  }, 90_000);
});
