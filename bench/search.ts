/**
 * Search (issue 15): p99 latency of `GET /images?q=` at the repository over 10,000 photos' worth of
 * generated AI rows for one user (plus other users' rows), against a plain indexed list query
 * (newest first) on the same data, measured interleaved in the same run. Runnable alone:
 * `npx tsx bench/search.ts`.
 */
import { createPool } from '../src/adapters/postgres/db.js';
import { PostgresImageRepository } from '../src/adapters/postgres/images-repository.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { toImageQuery } from '../src/core/search.js';
import { ms, percentile, startBenchDatabase } from './support.js';

const PHOTOS = 10_000;
const OTHER_USERS_PHOTOS = 5_000;
const ROUNDS = 60;
// What users type: whole words, prefixes, two words, a substring of a plate, a typo, a miss.
const QUERIES = ['lighthouse', 'sun', '#beach', 'boat harbour', 'KA519', 'xpt', 'lighthuose', 'zebra'];

const WORDS = [
  'lighthouse',
  'sunset',
  'beach',
  'ocean',
  'waves',
  'boat',
  'harbour',
  'forest',
  'path',
  'mountain',
  'lake',
  'reflection',
  'street',
  'car',
  'dog',
  'cat',
  'flower',
  'garden',
  'coffee',
  'cup',
  'castle',
  'tower',
  'bridge',
  'river',
  'snow',
  'sky',
  'cloud',
  'night',
  'city',
  'market',
  'portrait',
  'sheep',
];

/** Generated rows through SQL: deterministic pseudo-random captions, tags, labels and OCR text. */
async function seed(db: ReturnType<typeof createPool>, user: string, count: number, offset: number) {
  await db.query(
    `WITH words AS (SELECT $3::text[] AS w)
     INSERT INTO images (id, user_id, filename, content_type, bytes, width, height, bucket, object_key,
                         thumbnail_key, status, description, tags, labels, text_content, beauty_score, created_at)
     SELECT gen_random_uuid(), $1, 'photo-' || n || '.jpg', 'image/jpeg', 1000, 640, 480, 'bench',
            'uploads/' || n, 'thumbnails/' || n, 'READY',
            'A photo showing ' || w[1 + (n * 7) % 32] || ', ' || w[1 + (n * 13) % 32] || ' and ' || w[1 + (n * 29) % 32] || '.',
            ARRAY[w[1 + (n * 7) % 32], w[1 + (n * 13) % 32], w[1 + (n * 17) % 32]],
            jsonb_build_array(jsonb_build_object('name', initcap(w[1 + (n * 19) % 32]), 'confidence', 90),
                              jsonb_build_object('name', initcap(w[1 + (n * 23) % 32]), 'confidence', 70)),
            CASE WHEN n % 10 = 0 THEN 'KA' || (n % 1000) || ' XPT ' || w[1 + (n * 3) % 32] END,
            (n * 37) % 101, now() - make_interval(secs => n)
       FROM words, generate_series($2::int + 1, $2::int + $4::int) AS n`,
    [user, offset, WORDS, count],
  );
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export async function benchSearch(): Promise<string[]> {
  const bench = await startBenchDatabase();
  const db = createPool(await bench.database('bench_search'), 4);
  try {
    await migrate(db);
    const repo = new PostgresImageRepository(db);
    const user = 'bench-user';
    await seed(db, user, PHOTOS, 0);
    await seed(db, 'someone-else', OTHER_USERS_PHOTOS, PHOTOS);
    await db.query('ANALYZE images');
    const search = (q: string) => repo.list(user, toImageQuery({ q, limit: 50 }));
    const plain = () => repo.list(user, toImageQuery({ limit: 50 }));
    for (const q of QUERIES) await search(q); // warm the caches and plans
    await plain();
    const searched: number[] = [];
    const listed: number[] = [];
    const perQuery = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUERIES) {
        // Interleaved, so both see the same machine load.
        const t = await time(() => search(q));
        searched.push(t);
        perQuery.set(q, [...(perQuery.get(q) ?? []), t]);
        listed.push(await time(plain));
      }
    }
    const hits = await Promise.all(QUERIES.map(async (q) => (await search(q)).items.length));
    const p99Search = percentile(searched, 99);
    const p99List = percentile(listed, 99);
    return [
      `search p99 = ${ms(p99Search)} (p50 ${ms(percentile(searched, 50))}) over ${PHOTOS} photos of one user (+${OTHER_USERS_PHOTOS} of another), ${searched.length} queries of ${QUERIES.length} kinds, first page of 50`,
      `plain list p99 = ${ms(p99List)} (p50 ${ms(percentile(listed, 50))}), same data, newest first, interleaved`,
      `search/list p99 ratio = ${(p99Search / p99List).toFixed(1)}x`,
      `per query p99: ${QUERIES.map((q, i) => `"${q}" ${ms(percentile(perQuery.get(q)!, 99))} (${hits[i]} hits)`).join(', ')}`,
    ];
  } finally {
    await db.end();
    await bench.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchSearch()) console.log(line);
}
