/**
 * The offline AI on worker threads (issue 12), real local providers over the fixture photos:
 *   P5  photos/s end to end (upload → READY on the socket, Pharos as its own process) ÷ the same
 *       providers called directly on the same threads with no server. Target ≥ 0.85.
 *   P5' AI-only scaling: photos/s on N threads ÷ on 1 thread. Target ≥ 0.85 × N.
 *   P6  GET /healthz latency while the AI is saturated ÷ idle: p99 ≤ 3×, max ≤ 100 ms.
 *   P4' peak RSS of that Pharos process, its AI threads included. Target ≤ 600 MB.
 * Runnable alone: `npx tsx bench/offline-ai.ts`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { AiWorkerPool } from '../src/adapters/piscina/ai-pool.js';
import type { ImageInput } from '../src/core/ports/index.js';
import {
  BenchClient,
  PHOTOS,
  figure,
  ms,
  percentile,
  sampleHealthz,
  startBenchDatabase,
  startPharos,
} from './support.js';

const RSS_LIMIT_MB = 600;
const IDLE_SAMPLING_MS = 3000;

interface Photo {
  name: string;
  bytes: Uint8Array;
}

async function loadPhotos(): Promise<Photo[]> {
  const names = (await readdir(PHOTOS)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  return Promise.all(
    names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(path.join(PHOTOS, name))) })),
  );
}

const input = (photo: Photo): ImageInput => ({
  bucket: 'bench',
  key: photo.name,
  contentType: photo.name.endsWith('.png') ? 'image/png' : 'image/jpeg',
  bytes: async () => photo.bytes,
});

/** Photos/s of labels then beauty per photo, as the pipeline calls them, `callers` photos at a time. */
async function direct(threads: number, photos: Photo[]): Promise<number> {
  const pool = new AiWorkerPool({ threads });
  try {
    const labels = pool.labelDetector();
    const beauty = pool.beautyScorer();
    const call = { signal: new AbortController().signal };
    const one = async (photo: Photo) => {
      await labels.detect(input(photo), call);
      await beauty.score(input(photo), call);
    };
    await Promise.all(photos.slice(0, threads).map(one)); // every thread loads its models
    let next = 0;
    const started = performance.now();
    await Promise.all(
      // As many callers as the worker runs photos at once (threads + 1, see config.workerConcurrency).
      Array.from({ length: threads + 1 }, async () => {
        while (next < photos.length) await one(photos[next++]!);
      }),
    );
    return photos.length / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
}

export async function benchOfflineAi(): Promise<string[]> {
  const photos = await loadPhotos();
  const cores = availableParallelism();
  const one = await direct(1, photos);
  const all = await direct(cores, photos);

  const databases = await startBenchDatabase();
  try {
    const url = await databases.database('bench_offline_ai');
    // The defaults a user gets: local providers, one AI thread per core.
    const server = await startPharos(
      { DATABASE_URL: url, PHAROS_LABELS: 'local', PHAROS_DESCRIBER: 'local', PHAROS_BEAUTY: 'local' },
      path.join(databases.root, 'data'),
    );
    try {
      const client = await BenchClient.open(server.url);
      // Warm up: every AI thread loads its models before the clock starts.
      const warm = await client.uploadAll(photos.slice(0, cores * 2), cores * 2);
      await Promise.all(warm.map((id) => client.done(id)));

      let sampler = sampleHealthz(server.url);
      await new Promise((r) => setTimeout(r, IDLE_SAMPLING_MS));
      const idle = await sampler.stop();

      client.completed.clear();
      sampler = sampleHealthz(server.url);
      const started = performance.now();
      const ids = await client.uploadAll(photos, 4);
      const doneAt = await Promise.all(ids.map((id) => client.done(id)));
      const busy = await sampler.stop();
      const endToEnd = photos.length / ((Math.max(...doneAt) - started) / 1000);
      const ready = ids.filter((id) => client.completed.get(id)?.status === 'READY').length;
      const peak = await server.peakRssMb();
      client.close();

      const idleP99 = percentile(idle, 99);
      const busyP99 = percentile(busy, 99);
      const busyMax = Math.max(...busy);
      return [
        figure(
          'P5 end to end ÷ direct on all cores',
          endToEnd / all,
          '≥',
          0.85,
          `${endToEnd.toFixed(2)} photos/s upload → READY (${ready}/${photos.length} READY) vs ${all.toFixed(2)} photos/s calling the providers on ${cores} AI threads, no server (${photos.length} fixture photos)`,
        ),
        figure(
          `P5' AI-only scaling: ${cores} threads ÷ 1 thread, per core`,
          all / one / cores,
          '≥',
          0.85,
          `${all.toFixed(2)} vs ${one.toFixed(2)} photos/s = ${(all / one).toFixed(2)}x on ${cores} cores`,
        ),
        figure(
          'P6 /healthz p99 while the AI is saturated ÷ idle',
          busyP99 / idleP99,
          '≤',
          3,
          `saturated p50 ${ms(percentile(busy, 50))}, p99 ${ms(busyP99)} (${busy.length} requests); idle p50 ${ms(percentile(idle, 50))}, p99 ${ms(idleP99)} (${idle.length})`,
        ),
        `P6 /healthz max while the AI is saturated: ${ms(busyMax)} (target ≤ 100 ms) ${busyMax <= 100 ? 'met' : 'NOT met'}`,
        `P4' peak RSS of the Pharos process with ${cores} AI threads: ${peak.toFixed(0)} MB (target ≤ ${RSS_LIMIT_MB} MB) ${peak <= RSS_LIMIT_MB ? 'met' : 'NOT met'}`,
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await databases.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchOfflineAi()) console.log(line);
}
