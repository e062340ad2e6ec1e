import pg from 'pg';
import { StateNames } from '../../src/core/domain.js';
import { buildPipeline } from '../../src/core/pipeline.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSING_QUEUE } from '../../src/core/processing-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { PgBossQueue } from '../../src/adapters/pgboss/queue.js';
import { spawnWorker, type WorkerProcess } from '../support/processes.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/wait.js';

type Timeline = {
  items: {
    execution_id: string;
    status: string;
    states: { state: string; status: string; error: string | null; worker_id: string | null }[];
  }[];
};

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

// Every task state but MarkFailed runs on a photo's way to READY.
const HAPPY_PATH_STATES = Object.entries(buildPipeline({ beautyFailure: 'null' }).states).filter(
  ([name, state]) => state.type === 'Task' && name !== StateNames.MarkFailed,
).length;

describe('workers in separate processes', () => {
  let api: TestServer;
  const workers: WorkerProcess[] = [];
  const sharedEnv = () => ({ DATABASE_URL: api.databaseUrl, PHAROS_DATA_DIR: api.dataDir });

  beforeAll(async () => {
    // The API alone: every job is done by the worker processes below.
    api = await startTestServer({}, { role: 'api' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  afterAll(() => api?.stop());

  it('resumes after a worker is SIGKILLed mid-pipeline, without repeating completed states', async () => {
    const slow = await spawnWorker({
      ...sharedEnv(),
      PHAROS_SCRIPTED: JSON.stringify({ describer: { latencyMs: 60_000 } }),
    });
    workers.push(slow);
    const client = await ApiClient.register(api.url);
    const socket = await client.socket();
    const imageId = (await client.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg')).body.image_id;
    // Wait until the worker is inside DescribeAndTag (after DetectLabels and FilterLabels succeeded):
    // its attempt is recorded as RUNNING.
    await socket.waitFor(
      (m) => m.image_id === imageId && m.state === 'FilterLabels' && m.status === 'SUCCEEDED',
    );
    await eventually(
      async () =>
        (
          await query(
            api.databaseUrl,
            `SELECT a.id FROM state_attempts a JOIN executions e ON e.id = a.execution_id
              WHERE e.image_id = $1 AND a.state = 'DescribeAndTag' AND a.status = 'RUNNING'`,
            [imageId],
          )
        ).length === 1,
      'the DescribeAndTag attempt to be running',
    );
    expect(await slow.kill('SIGKILL')).toBeNull();

    workers.push(await spawnWorker(sharedEnv()));
    const complete = await socket.waitFor(
      (m) => m.type === 'image_processing_complete' && m.image_id === imageId,
      90_000,
    );
    expect(complete.status).toBe('READY');
    const timeline = (await client.json<Timeline>('GET', `/images/${imageId}/executions`)).body;
    expect(timeline.items).toHaveLength(1);
    const states = timeline.items[0]!.states;
    const count = (state: string) => states.filter((s) => s.state === state).length;
    expect(count('DetectLabels')).toBe(1);
    expect(count('FilterLabels')).toBe(1);
    const describe = states.filter((s) => s.state === 'DescribeAndTag');
    expect(describe.map((s) => [s.status, s.error])).toEqual([
      ['FAILED', 'Worker.Lost'],
      ['SUCCEEDED', null],
    ]);
    // The completed states ran on the killed worker; the rest on the new one.
    expect(describe[0]!.worker_id).not.toBe(describe[1]!.worker_id);
    expect(states.find((s) => s.state === 'DetectLabels')!.worker_id).toBe(describe[0]!.worker_id);
    socket.close();
  }, 120_000);

  it('shares the load between two workers and processes each photo exactly once', async () => {
    workers.push(await spawnWorker(sharedEnv()), await spawnWorker(sharedEnv()));
    const client = await ApiClient.register(api.url);
    const socket = await client.socket();
    const bytes = await photo('lighthouse.jpg');
    const ids: string[] = [];
    for (let i = 0; i < 16; i++) {
      // Distinct bytes per photo (a changed JPEG comment would do; re-encode is simplest to reason about).
      ids.push((await client.upload(bytes, `photo-${i}.jpg`)).body.image_id);
    }
    for (const id of ids)
      await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === id, 60_000);
    const rows = await query<{ image_id: string; executions: number; attempts: number; workers: string[] }>(
      api.databaseUrl,
      `SELECT e.image_id, count(DISTINCT e.id)::int AS executions, count(a.id)::int AS attempts,
              array_agg(DISTINCT a.worker_id) AS workers
         FROM executions e JOIN state_attempts a ON a.execution_id = e.id
        WHERE e.user_id = $1 GROUP BY e.image_id`,
      [client.userId],
    );
    expect(rows).toHaveLength(16);
    for (const row of rows) {
      expect(row.executions).toBe(1);
      expect(row.attempts).toBe(HAPPY_PATH_STATES); // each state exactly once
      expect(row.workers).toHaveLength(1);
    }
    expect(new Set(rows.map((r) => r.workers[0])).size).toBe(2);
    const completions = socket.messages.filter((m) => m.type === 'image_processing_complete');
    expect(completions).toHaveLength(16);
    socket.close();
  }, 120_000);

  it('runs one execution for a duplicated upload event and for racing process calls', async () => {
    // A slow describer keeps each execution active while the duplicates and racing calls arrive;
    // a process call that comes after the run has finished would rightly start a rerun.
    workers.push(
      await spawnWorker({
        ...sharedEnv(),
        PHAROS_SCRIPTED: JSON.stringify({ describer: { latencyMs: 1500 } }),
      }),
    );
    const client = await ApiClient.register(api.url);
    const socket = await client.socket();
    const upload = (await client.upload(await photo('ocean-waves.jpg'), 'ocean.jpg')).body;
    const [row] = await query<{ object_key: string; user_id: string; bucket: string }>(
      api.databaseUrl,
      'SELECT object_key, user_id, bucket FROM images WHERE id = $1',
      [upload.image_id],
    );
    // The same S3 event delivered twice more (at-least-once delivery).
    const queue = new PgBossQueue({ url: api.databaseUrl, logger: silentLogger });
    const ticket = {
      bucket: row!.bucket,
      key: row!.object_key,
      image_id: upload.image_id,
      user_id: row!.user_id,
    };
    const duplicates = [
      await queue.send(PROCESSING_QUEUE, ticket),
      await queue.send(PROCESSING_QUEUE, ticket),
    ];
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === upload.image_id);
    // Both duplicates delivered and handled (completed by a worker), not a guessed wait.
    await eventually(
      async () =>
        (
          await query(
            api.databaseUrl,
            "SELECT id FROM pgboss.job WHERE id = ANY($1) AND state = 'completed'",
            [duplicates],
          )
        ).length === 2,
      'both duplicate tickets to be handled',
    );
    await queue.stop();
    const executions = await query(api.databaseUrl, 'SELECT id FROM executions WHERE image_id = $1', [
      upload.image_id,
    ]);
    expect(executions).toHaveLength(1);
    const attempts = await query(
      api.databaseUrl,
      "SELECT id FROM state_attempts WHERE state = 'DetectLabels' AND execution_id = $1",
      [(executions[0] as { id: string }).id],
    );
    expect(attempts).toHaveLength(1);

    // Five racing POST /process on a photo uploaded without auto-processing: one execution.
    const idle = (await client.upload(await photo('sheep-pasture.jpg'), 'sheep.jpg', '?process=false')).body
      .image_id;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.json<{ execution_id: string; status: string }>('POST', `/images/${idle}/process`),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.body.execution_id)).size).toBe(1);
    await socket.waitFor((m) => m.type === 'image_processing_complete' && m.image_id === idle);
    expect(
      await query(api.databaseUrl, 'SELECT id FROM executions WHERE image_id = $1', [idle]),
    ).toHaveLength(1);
    socket.close();
  }, 120_000);
});
