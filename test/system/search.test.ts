/**
 * Search on the real PostgreSQL: ranking by field, prefixes, substrings, typos, `#` and case, the tag
 * filter's normalisation, ownership and keyset paging that stays stable while photos arrive. Rows are
 * written through the repository's own insert and saveResults; the HTTP part runs the real server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../src/adapters/postgres/db.js';
import { PostgresImageRepository } from '../../src/adapters/postgres/images-repository.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import type { Label } from '../../src/core/domain.js';
import { type ListRequest, toImageQuery } from '../../src/core/search.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';
import { freshDatabaseUrl } from '../support/database.js';

let db: Db;
let repo: PostgresImageRepository;
const alice = `alice-${randomUUID()}`;
const bob = `bob-${randomUUID()}`;

interface Outputs {
  description?: string;
  tags?: string[];
  labels?: string[];
  text?: string;
}

/** A stored photo of `user`, unprocessed, with only a perceptual hash when one is given. */
const photoRow = (user: string, name: string, phash?: string) => ({
  id: randomUUID(),
  user_id: user,
  filename: `${name}.jpg`,
  content_type: 'image/jpeg',
  bytes: 1,
  width: 1,
  height: 1,
  bucket: 'test',
  object_key: `uploads/${user}/${name}`,
  thumbnail_key: `thumbnails/${user}/${name}`,
  auto_process: false,
  phash,
});

/** A READY photo with the given AI outputs, saved the way the pipeline saves them. */
async function seed(user: string, name: string, outputs: Outputs): Promise<string> {
  const { id } = await repo.insert(photoRow(user, name));
  const executionId = randomUUID();
  await db.query('UPDATE images SET current_execution_id = $2 WHERE id = $1', [id, executionId]);
  const provenance = { provider: 'test', model: 'test', version: '1' };
  await repo.saveResults({
    image_id: id,
    execution_id: executionId,
    labels: (outputs.labels ?? []).map((n): Label => ({ name: n, confidence: 90 })),
    caption: { description: outputs.description ?? '', tags: outputs.tags ?? [], provenance },
    beauty: { score: 50, raw: null, provenance },
    provenance: { labels: provenance, caption: provenance, beauty: provenance },
  });
  if (outputs.text) await db.query('UPDATE images SET text_content = $2 WHERE id = $1', [id, outputs.text]);
  return id;
}

const names = (items: { filename: string }[]) => items.map((i) => i.filename.replace(/\.jpg$/, ''));
const search = async (user: string, request: Omit<ListRequest, 'limit'> & { limit?: number }) =>
  repo.list(user, toImageQuery({ limit: 50, ...request }));

beforeAll(async () => {
  db = createPool(await freshDatabaseUrl(), 4);
  await migrate(db);
  repo = new PostgresImageRepository(db);
  await seed(alice, 'label-only', {
    description: 'A quiet morning',
    tags: ['morning'],
    labels: ['Lighthouse'],
  });
  await seed(alice, 'caption-and-tags', {
    description: 'A lighthouse above the waves at sunset',
    tags: ['lighthouse', 'sunset', 'sky'],
    labels: ['Tower'],
  });
  await seed(alice, 'caption-only', { description: 'An old lighthouse', tags: ['coast'], labels: [] });
  await seed(alice, 'plate', {
    description: 'A red car parked on a street',
    tags: ['car', 'street'],
    labels: ['Car'],
    text: 'KA 519 XPT Leuven',
  });
  await seed(alice, 'flowers', { description: 'Flowers in the garden', tags: ['flower'], labels: ['Plant'] });
  await seed(bob, 'bobs-lighthouse', {
    description: 'A lighthouse at sunset',
    tags: ['lighthouse', 'sunset', 'sky'],
    labels: ['Lighthouse'],
  });
});
afterAll(async () => {
  await db?.end();
});

describe('search over caption, tags, labels and text', () => {
  it('ranks a photo whose caption and tags match above one with the label alone', async () => {
    const { items } = await search(alice, { q: 'lighthouse' });
    expect(names(items)).toEqual(['caption-and-tags', 'caption-only', 'label-only']);
  });

  it('needs every word to match, ranking still by field', async () => {
    expect(names((await search(alice, { q: 'lighthouse sunset' })).items)).toEqual(['caption-and-tags']);
    expect((await search(alice, { q: 'lighthouse garden' })).items).toEqual([]);
  });

  it('matches word prefixes, substrings (part of a plate) and small typos', async () => {
    expect(names((await search(alice, { q: 'lighth' })).items)).toContain('caption-only');
    expect(names((await search(alice, { q: '519 xp' })).items)).toEqual(['plate']);
    expect(names((await search(alice, { q: 'XPT 51' })).items)).toEqual(['plate']);
    expect(names((await search(alice, { q: 'a car, the 519' })).items)).toEqual(['plate']);
    expect(names((await search(alice, { q: 'uve' })).items)).toEqual(['plate']);
    expect(names((await search(alice, { q: 'ghthou' })).items)).toHaveLength(3);
    expect(names((await search(alice, { q: 'lighthuose' })).items)).toHaveLength(3);
    expect(names((await search(alice, { q: 'gardn' })).items)).toEqual(['flowers']);
    // Close is not the same as anything: a different word of similar letters does not match.
    expect((await search(alice, { q: 'tower flowers' })).items).toEqual([]);
    expect((await search(alice, { q: 'zebra' })).items).toEqual([]);
  });

  it('finds substrings inside stop words and with punctuation as well (the text is tested then)', async () => {
    const user = `substrings-${randomUUID()}`;
    await seed(user, 'other', { description: 'The other side', tags: ['coast'] });
    await seed(user, 'version', { description: 'A screen', tags: ['screen'], text: 'firmware v1.2-beta' });
    await seed(user, 'unrelated', { description: 'A quiet morning', tags: ['morning'] });
    expect(names((await search(user, { q: 'ther' })).items)).toEqual(['other']);
    expect(names((await search(user, { q: '1.2-be' })).items)).toEqual(['version']);
    expect(names((await search(user, { q: 'rmwa' })).items)).toEqual(['version']);
    expect(names((await search(user, { q: 'uiet' })).items)).toEqual(['unrelated']);
  });

  it('finds text read from the photo (OCR) in a search and ranks it below the caption', async () => {
    await seed(alice, 'leuven-caption', { description: 'The old town of Leuven', tags: ['town'] });
    expect(names((await search(alice, { q: 'leuven' })).items)).toEqual(['leuven-caption', 'plate']);
  });

  it('ignores a leading # and letter case, in the search and in the tag filter', async () => {
    for (const q of ['#sky', 'SKY', '#Sky', '  sky  ']) {
      expect(names((await search(alice, { q })).items)).toEqual(['caption-and-tags']);
    }
    for (const tag of ['#sky', 'Sky', '#SKY']) {
      expect(names((await search(alice, { tag })).items)).toEqual(['caption-and-tags']);
    }
    expect(names((await search(alice, { q: 'lighthouse', tag: '#coast' })).items)).toEqual(['caption-only']);
  });

  it("never returns another user's photos", async () => {
    const aliceIds = new Set((await search(alice, {})).items.map((i) => i.id));
    const bobs = await search(bob, { q: 'lighthouse sunset' });
    expect(names(bobs.items)).toEqual(['bobs-lighthouse']);
    for (const q of ['lighthouse', 'car', '519']) {
      for (const item of (await search(bob, { q })).items) expect(aliceIds.has(item.id)).toBe(false);
    }
    expect((await search(bob, { q: 'xpt' })).items).toEqual([]);
  });

  it('keeps keyset pages stable while matching photos are inserted between them', async () => {
    const user = `pager-${randomUUID()}`;
    const expected: string[] = [];
    for (let i = 0; i < 12; i++) {
      // Different relevance per photo (more mentions rank higher), with ties in pairs.
      const mentions = 1 + Math.floor(i / 2);
      await seed(user, `boat-${i}`, {
        description: Array.from({ length: mentions }, () => 'boat').join(' and '),
        tags: ['harbour'],
      });
      expected.push(`boat-${i}`);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(user, { q: 'boat', limit: 5, cursor });
      seen.push(...names(page.items));
      cursor = page.next_cursor ?? undefined;
      // A new photo that matches better than everything arrives after each page: it belongs before
      // the cursor, so it must neither appear later nor push an unseen photo off the pages.
      await seed(user, `late-boat-${pages++}`, { description: 'boat', tags: ['boat', 'harbour'] });
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(new Set(expected));
    const first = await search(user, { q: 'boat', limit: 1 });
    expect(names(first.items)[0]).toMatch(/^late-boat-/);
  });

  it('keeps the known words for typos in step with the photos: they come and go with the outputs', async () => {
    const user = `words-${randomUUID()}`;
    const known = async () =>
      (
        await db.query<{ word: string; photos: number }>(
          'SELECT word, photos FROM search_words WHERE user_id = $1 ORDER BY word',
          [user],
        )
      ).rows;
    const first = await seed(user, 'harbour-1', { description: 'Boats in the harbour', tags: ['harbour'] });
    const second = await seed(user, 'harbour-2', { description: 'The harbour at night', labels: ['Harbor'] });
    expect(await known()).toEqual(
      expect.arrayContaining([
        { word: 'harbour', photos: 2 },
        { word: 'boats', photos: 1 },
        { word: 'night', photos: 1 },
      ]),
    );
    expect(names((await search(user, { q: 'harbourr' })).items).sort()).toEqual(['harbour-1', 'harbour-2']);
    // Text read later (an OCR update) is searchable with a typo at once; deleting takes its words away.
    await db.query('UPDATE images SET text_content = $2 WHERE id = $1', [second, 'Lighthouse keeper']);
    expect(names((await search(user, { q: 'keepr' })).items)).toEqual(['harbour-2']);
    await repo.delete(second, user);
    expect((await known()).map((w) => w.word)).not.toContain('keeper');
    expect(await known()).toContainEqual({ word: 'harbour', photos: 1 });
    await repo.delete(first, user);
    expect(await known()).toEqual([]);
  });

  it('groups near-duplicates whether the hash comes with the row or with a later inspection', async () => {
    const user = `groups-${randomUUID()}`;
    const row = (name: string, phash?: string) => photoRow(user, name, phash);
    const hash = 'f0'.repeat(16);
    const first = await repo.insert(row('first', hash));
    expect(first.duplicate_group).toBe(first.id);
    // 8 bits off: a near-duplicate; the inverse hash: unrelated. A direct upload is inspected later.
    const near = await repo.insert({ ...row('near'), status: 'UPLOADING' });
    expect(near.duplicate_group).toBeNull();
    await repo.recordInspection(near.id, {
      content_type: 'image/jpeg',
      bytes: 1,
      width: 1,
      height: 1,
      photo_metadata: null,
      taken_at: null,
      phash: `${'f0'.repeat(15)}0f`,
    });
    const far = await repo.insert(row('far', '0f'.repeat(16)));
    expect((await repo.get(near.id, user))!.duplicate_group).toBe(first.id);
    expect(far.duplicate_group).toBe(far.id);
    const counts = Object.fromEntries(
      (await search(user, {})).items.map((i) => [i.filename, [i.duplicate_group, i.duplicates_count]]),
    );
    expect(counts).toEqual({
      'first.jpg': [first.id, 1],
      'near.jpg': [first.id, 1],
      'far.jpg': [far.id, 0],
    });
  });

  it('puts copies stored at the same moment in one group (each sees the ones before it)', async () => {
    // Rounds of four copies at once, on the pool's four connections; each a bit or two off the first.
    for (let round = 0; round < 10; round++) {
      const user = `groups-${randomUUID()}`;
      const copies = await Promise.all(
        ['f0', 'f1', 'f2', 'f3'].map((last, i) =>
          repo.insert(photoRow(user, `copy-${i}`, `${'f0'.repeat(15)}${last}`)),
        ),
      );
      const groups = await Promise.all(
        copies.map(async (c) => (await repo.get(c.id, user))!.duplicate_group),
      );
      expect(new Set(groups).size, `round ${round}`).toBe(1);
      expect(copies.map((c) => c.id)).toContain(groups[0]);
    }
  });

  it('refuses relevance without words, a cursor from another sort, and an overlong query', async () => {
    await expect(search(alice, { sort: 'relevance' })).rejects.toMatchObject({ code: 'invalid_sort' });
    const byDate = await search(alice, { limit: 1 });
    await expect(search(alice, { q: 'lighthouse', cursor: byDate.next_cursor! })).rejects.toThrow(
      /cursor is not valid/,
    );
    await expect(search(alice, { q: 'x'.repeat(201) })).rejects.toMatchObject({ code: 'invalid_query' });
    await expect(search(alice, { q: 'a b c d e f g h i' })).rejects.toMatchObject({ code: 'invalid_query' });
  });
});

describe('GET /images?q= on the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('searches the owner’s processed photos and answers bad requests with 400', async () => {
    const owner = await ApiClient.register(server.url);
    const other = await ApiClient.register(server.url);
    const uploaded = await owner.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
    const ai = (await owner.waitForStatus(uploaded.body.image_id, ['READY'])) as unknown as {
      tags: string[];
    };
    expect(ai.tags.length).toBeGreaterThan(0);
    const tag = ai.tags[0]!;
    const otherUpload = await other.upload(await photo('lighthouse.jpg'), 'lighthouse.jpg');
    await other.waitForStatus(otherUpload.body.image_id, ['READY']);

    const found = await owner.json<{ items: { image_id: string }[] }>(
      'GET',
      `/images?q=${encodeURIComponent(`#${tag.toUpperCase()}`)}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((i) => i.image_id)).toEqual([uploaded.body.image_id]);
    const byTag = await owner.json<{ items: { image_id: string }[] }>(
      'GET',
      `/images?tag=${encodeURIComponent(`#${tag}`)}&sort=beauty`,
    );
    expect(byTag.body.items.map((i) => i.image_id)).toEqual([uploaded.body.image_id]);
    const missing = await owner.json<{ items: unknown[] }>('GET', '/images?q=zzzzqqq');
    expect(missing.body.items).toEqual([]);

    for (const query of ['sort=relevance', `q=${'x'.repeat(201)}`, 'q=lighthouse&cursor=bm9wZQ']) {
      const bad = await owner.json<{ error: { code: string } }>('GET', `/images?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toMatch(/invalid|validation/);
    }
  });
});
