/**
 * Pipeline benchmarks (issue 2), each measured side by side with bare pg-boss on the same database
 * in the same run:
 *   P1 photos/s through the whole pipeline (instant scripted providers) ÷ bare pg-boss jobs/s.
 *   P2 upload → READY-on-socket latency p50/p99 ÷ a bare pg-boss hop (send → handler) p50/p99.
 *   P4 a 500-photo burst: all READY, none lost, peak RSS of the Pharos process.
 * Runnable alone: `npx tsx bench/pipeline.ts`.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { PgBoss } from 'pg-boss';
import { loadConfig } from '../src/app/config.js';
import { createLogger } from '../src/app/logger.js';
import { startRuntime } from '../src/app/runtime.js';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../src/adapters/postgres/embedded.js';
import { silentLogger } from '../src/core/logger.js';

const PHOTO = fileURLToPath(new URL('../test/fixtures/photos/lighthouse.jpg', import.meta.url));
const THROUGHPUT_JOBS = 300;
const LATENCY_SAMPLES = 60;
const BURST = 500;
const UPLOAD_CONCURRENCY = 8;
const SENDERS = UPLOAD_CONCURRENCY;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function bareBoss(url: string) {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, schema: 'bench_boss' });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue('bare', { notify: true });
  const waiting = new Map<string, () => void>();
  await boss.work<{ n: number }>(
    'bare',
    // The same worker settings the pipeline's queue uses (batch 8, notify, burst).
    { batchSize: 8, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2, burstWhenBatchFull: true },
    async (jobs) => {
      for (const job of jobs) waiting.get(String(job.data.n))?.();
    },
  );
  const hop = async (n: number) => {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      waiting.set(String(n), resolve);
      void boss.send('bare', { n });
    });
    waiting.delete(String(n));
    return performance.now() - started;
  };
  for (let i = 0; i < 10; i++) await hop(-i - 1); // warm up
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) latencies.push(await hop(i));
  // Throughput: round trips (send → handler) by 8 concurrent senders, one job at a time each, as uploads are.
  const started = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (sent < THROUGHPUT_JOBS) await hop(10_000 + sent++);
    }),
  );
  const perSecond = THROUGHPUT_JOBS / ((performance.now() - started) / 1000);
  await boss.stop({ graceful: false });
  return { latencies, perSecond };
}

class Client {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}
  async upload(bytes: Buffer): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), 'lighthouse.jpg');
    const response = await fetch(`${this.url}/images`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (response.status !== 201) throw new Error(`upload failed: ${response.status}`);
    return ((await response.json()) as { image_id: string }).image_id;
  }
}

async function openSocket(url: string, token: string, onComplete: (id: string, status: string) => void) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; image_id: string; status: string };
      if (m.type === 'welcome') resolve();
      if (m.type === 'image_processing_complete') onComplete(m.image_id, m.status);
    });
    ws.on('error', reject);
  });
  return ws;
}

export async function benchPipeline(): Promise<string[]> {
  const lines: string[] = [];
  const root = await mkdtemp(path.join(tmpdir(), 'pharos-bench-'));
  await chmod(root, 0o755); // the embedded server's 'postgres' user must enter it when run as root
  const server = await startEmbeddedPostgres(path.join(root, 'postgres'), silentLogger);
  try {
    const admin = server.url.replace(/\/pharos$/, '/postgres');
    await createDatabaseIfMissing(admin, 'bench');
    const url = admin.replace(/\/postgres$/, '/bench');
    const bare = await bareBoss(url);

    const config = loadConfig({
      PORT: '0',
      PHAROS_DATA_DIR: path.join(root, 'data'),
      DATABASE_URL: url,
      PHAROS_LABELS: 'scripted',
      PHAROS_DESCRIBER: 'scripted',
      PHAROS_BEAUTY: 'scripted',
      PHAROS_WORKER_BATCH: '8',
      LOG_LEVEL: 'silent',
    });
    const runtime = await startRuntime(config, 'all', createLogger('silent'));
    const base = runtime.url!;
    const register = await fetch(`${base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench password' }),
    });
    const { token } = (await register.json()) as { token: string };
    const client = new Client(base, token);
    const bytes = await readFile(PHOTO);
    const completed = new Map<string, { status: string; at: number }>();
    const waiters = new Map<string, (at: number) => void>();
    const ws = await openSocket(base, token, (id, status) => {
      const at = performance.now();
      completed.set(id, { status, at });
      waiters.get(id)?.(at);
    });

    // P2: one photo at a time, upload request → READY on the socket.
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES + 5; i++) {
      const started = performance.now();
      const done = new Promise<number>((resolve) => {
        const id = client.upload(bytes).then((imageId) => {
          const already = completed.get(imageId);
          if (already) resolve(already.at);
          else waiters.set(imageId, resolve);
          return imageId;
        });
        void id;
      });
      const at = await done;
      if (i >= 5) latencies.push(at - started); // the first few warm up the JIT and pools
    }

    // Where P2's time goes, from the database's own timestamps (the same photos, one at a time).
    const breakdownDb = new pg.Client({ connectionString: url });
    await breakdownDb.connect();
    const breakdown = await breakdownDb.query<{ part: string; ms: number }>(
      `SELECT part, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM (
         SELECT 'upload committed → execution started' AS part,
                EXTRACT(EPOCH FROM e.started_at - i.created_at) * 1000 AS ms
           FROM images i JOIN executions e ON e.image_id = i.id
         UNION ALL
         SELECT a.state, EXTRACT(EPOCH FROM a.ended_at - a.started_at) * 1000
           FROM state_attempts a
         UNION ALL
         SELECT 'gaps between states', EXTRACT(EPOCH FROM (e.ended_at - e.started_at)) * 1000
                - (SELECT SUM(EXTRACT(EPOCH FROM a.ended_at - a.started_at)) * 1000 FROM state_attempts a WHERE a.execution_id = e.id)
           FROM executions e
       ) parts GROUP BY part ORDER BY part`,
    );
    await breakdownDb.end();
    const breakdownLine = breakdown.rows.map((r) => `${r.part} ${ms(Number(r.ms))}`).join('; ');

    // P1 + P4: a burst of 500 uploads, 8 at a time; throughput from first upload to last READY.
    completed.clear();
    const burstStarted = performance.now();
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
        while (next < BURST) {
          next++;
          ids.push(await client.upload(bytes));
        }
      }),
    );
    const deadline = Date.now() + 10 * 60_000;
    while (ids.some((id) => !completed.has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const lastAt = Math.max(...ids.map((id) => completed.get(id)?.at ?? Number.NaN));
    const photosPerSecond = BURST / ((lastAt - burstStarted) / 1000);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM images GROUP BY status ORDER BY status',
    );
    await db.end();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    ws.close();
    await runtime.stop();

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const bareP50 = percentile(bare.latencies, 50);
    const bareP99 = percentile(bare.latencies, 99);
    lines.push(
      `P1 throughput: pipeline ${photosPerSecond.toFixed(1)} photos/s (upload → READY, ${BURST} photos) ÷ bare pg-boss ${bare.perSecond.toFixed(1)} jobs/s = ${(photosPerSecond / bare.perSecond).toFixed(2)} (target ≥ 0.5)`,
      `P2 latency: upload → READY on socket p50 ${ms(p50)}, p99 ${ms(p99)}; bare pg-boss hop p50 ${ms(bareP50)}, p99 ${ms(bareP99)}; ratio p50 ${(p50 / bareP50).toFixed(2)}x, p99 ${(p99 / bareP99).toFixed(2)}x (target p99 ≤ 3x)`,
      `   P2 breakdown (medians): ${breakdownLine}`,
      `P4 burst: ${ids.length} uploaded, ${[...completed.values()].filter((c) => c.status === 'READY').length} READY on the socket; database: ${rows.map((r) => `${r.status}=${r.n}`).join(', ')}; peak RSS of the Pharos process ${peakRssMb.toFixed(0)} MB (target ≤ 600 MB; PostgreSQL runs in its own processes)`,
    );
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchPipeline()) console.log(line);
}
