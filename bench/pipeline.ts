/**
 * Pipeline benchmarks (issue 12), instant scripted providers, Pharos as its own process (`npm start`'s
 * entry), each figure against the same uploads with `?process=false` (same route, same concurrency)
 * measured in the same run:
 *   P1 photos/s upload → READY on the socket ÷ photos/s of the uploads alone. Target ≥ 0.7.
 *   P2 p99 upload → READY on the socket ÷ p99 of the upload alone, one photo at a time. Target ≤ 2.
 *   P4 the 500-photo burst of P1: all READY, none lost, peak RSS of the Pharos process ≤ 600 MB.
 * Runnable alone: `npx tsx bench/pipeline.ts`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { BenchClient, PHOTOS, figure, ms, percentile, startBenchDatabase, startPharos } from './support.js';

const PHOTO = path.join(PHOTOS, 'lighthouse.jpg');
const LATENCY_SAMPLES = 100;
const WARM_UP = 5;
const BURST = 500;
const UPLOAD_CONCURRENCY = 8;
const RSS_LIMIT_MB = 600;

/** Where one photo's upload → READY time goes, from the database's own timestamps (medians). */
async function breakdown(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ part: string; ms: number }>(
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
    return rows.map((r) => `${r.part} ${ms(Number(r.ms))}`).join('; ');
  } finally {
    await db.end();
  }
}

async function countByStatus(url: string): Promise<Record<string, number>> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM images GROUP BY status ORDER BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    await db.end();
  }
}

export async function benchPipeline(): Promise<string[]> {
  const databases = await startBenchDatabase();
  try {
    const url = await databases.database('bench_pipeline');
    const server = await startPharos(
      {
        DATABASE_URL: url,
        PHAROS_LABELS: 'scripted',
        PHAROS_DESCRIBER: 'scripted',
        PHAROS_BEAUTY: 'scripted',
      },
      path.join(databases.root, 'data'),
    );
    try {
      const client = await BenchClient.open(server.url);
      const bytes = new Uint8Array(await readFile(PHOTO));

      // P2: one photo at a time, alternating: the upload alone, then upload → READY on the socket.
      const alone: number[] = [];
      const ready: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES + WARM_UP; i++) {
        let started = performance.now();
        await client.upload(bytes, 'alone.jpg', false);
        const uploadMs = performance.now() - started;
        started = performance.now();
        const at = await client.done(await client.upload(bytes, 'ready.jpg'));
        if (i < WARM_UP) continue; // JIT, pools and caches
        alone.push(uploadMs);
        ready.push(at - started);
      }
      const where = await breakdown(url);

      // P1 + P4: the same 500 uploads, 8 at a time, first without processing, then with it.
      const burst = Array.from({ length: BURST }, (_, i) => ({ bytes, name: `burst-${i}.jpg` }));
      let started = performance.now();
      await client.uploadAll(burst, UPLOAD_CONCURRENCY, false);
      const uploadsPerSecond = BURST / ((performance.now() - started) / 1000);
      client.completed.clear();
      started = performance.now();
      const ids = await client.uploadAll(burst, UPLOAD_CONCURRENCY);
      const uploadedAt = performance.now();
      const deadline = Date.now() + 5 * 60_000;
      while (ids.some((id) => !client.completed.has(id)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const lastAt = Math.max(...ids.map((id) => client.completed.get(id)?.at ?? Number.NaN));
      const photosPerSecond = BURST / ((lastAt - started) / 1000);
      const readyCount = ids.filter((id) => client.completed.get(id)?.status === 'READY').length;
      const statuses = await countByStatus(url);
      const peak = await server.peakRssMb();
      client.close();

      const p99 = percentile(ready, 99);
      const aloneP99 = percentile(alone, 99);
      return [
        figure(
          'P1 throughput: upload → READY ÷ upload alone',
          photosPerSecond / uploadsPerSecond,
          '≥',
          0.7,
          `${photosPerSecond.toFixed(1)} photos/s READY vs ${uploadsPerSecond.toFixed(1)} uploads/s with ?process=false (${BURST} photos, ${UPLOAD_CONCURRENCY} at a time; all uploaded after ${((uploadedAt - started) / 1000).toFixed(1)} s, last READY after ${((lastAt - started) / 1000).toFixed(1)} s)`,
        ),
        figure(
          'P2 latency: p99 upload → READY on the socket ÷ p99 upload alone',
          p99 / aloneP99,
          '≤',
          2,
          `upload → READY p50 ${ms(percentile(ready, 50))}, p99 ${ms(p99)}; upload alone p50 ${ms(percentile(alone, 50))}, p99 ${ms(aloneP99)} (${LATENCY_SAMPLES} each, one at a time)`,
        ),
        `   P2 breakdown (medians, database timestamps): ${where}`,
        `P4 burst: ${ids.length} uploaded, ${readyCount} READY on the socket, ${BURST - readyCount} lost; database: ${Object.entries(
          statuses,
        )
          .map(([s, n]) => `${s}=${n}`)
          .join(', ')}; peak RSS of the Pharos process ${peak.toFixed(0)} MB (target ≤ ${RSS_LIMIT_MB} MB) ${
          readyCount === BURST && peak <= RSS_LIMIT_MB ? 'met' : 'NOT met'
        }`,
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await databases.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchPipeline()) console.log(line);
}
