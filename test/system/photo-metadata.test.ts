/**
 * The photo's own metadata and its near-duplicates: EXIF read from committed fixture photos with known
 * values, shown in GET /images/{id} (GPS to the owner, or to nobody with PHAROS_GPS=strip), the "date
 * taken" sort with its upload-time fallback, and the perceptual hash telling a photo's resized and
 * recompressed copies from unrelated photos — on the real server and PostgreSQL.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPhotoMetadata } from '../../src/adapters/exifr/photo-metadata.js';
import { differenceHash, hammingDistance } from '../../src/adapters/sharp/phash.js';
import { SharpImageCodec } from '../../src/adapters/sharp/codec.js';
import { NEAR_DUPLICATE_BITS } from '../../src/core/image-service.js';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

const exifFixture = (name: string) => readFile(new URL(`../fixtures/exif/${name}`, import.meta.url));
const codec = new SharpImageCodec({ maxPixels: 50e6 });
const UNRELATED = [
  'ocean-waves.jpg',
  'forest-path.jpg',
  'coffee-cup.png',
  'castle-maintenon.jpg',
  'fruits.jpg',
];

/** The copies a user ends up with: smaller, recompressed, another format. */
async function copiesOf(bytes: Buffer): Promise<Buffer[]> {
  return Promise.all([
    sharp(bytes).resize(300).jpeg({ quality: 40 }).toBuffer(),
    sharp(bytes).resize(1200).webp({ quality: 50 }).toBuffer(),
    sharp(bytes).modulate({ brightness: 0.9 }).png().toBuffer(),
  ]);
}

describe('EXIF metadata, read from the bytes', () => {
  it('reads every field of a photo with known EXIF values, with its time zone', async () => {
    expect(await readPhotoMetadata(await exifFixture('camera-full.jpg'))).toEqual({
      taken_at: '2024-06-01T19:42:10+02:00',
      taken_at_has_zone: true,
      make: 'Pharos Optics',
      model: 'Fixture One',
      lens: 'Pharos 35mm F2',
      exposure_time: 0.004,
      f_number: 8,
      iso: 100,
      focal_length: 35,
      focal_length_35mm: 52,
      gps: { latitude: expect.closeTo(48.858233, 5), longitude: expect.closeTo(-4.791667, 5), altitude: 12 },
      orientation: 6,
    });
  });

  it('keeps a time without a zone as local time, and reads a real camera’s EXIF', async () => {
    expect(await readPhotoMetadata(await exifFixture('camera-no-zone.jpg'))).toMatchObject({
      taken_at: '2019-12-31T23:59:30',
      taken_at_has_zone: false,
      model: 'Fixture Two',
      f_number: 2.8,
      gps: null,
    });
    expect(await readPhotoMetadata(await photo('castle-maintenon.jpg'))).toMatchObject({
      taken_at: '2008-04-12T14:28:38',
      make: 'NIKON CORPORATION',
      model: 'NIKON D3',
      exposure_time: 0.0008,
      f_number: 5.6,
      iso: 200,
      focal_length: 62,
    });
  });

  it('gives null for photos without EXIF, and for EXIF that is damaged', async () => {
    expect(await readPhotoMetadata(await photo('coffee-cup.png'))).toBeNull();
    expect(await readPhotoMetadata(await photo('lighthouse.jpg'))).toBeNull();
    const damaged = Buffer.from(await exifFixture('camera-full.jpg'));
    const app1 = damaged.indexOf(Buffer.from('Exif\0\0'));
    damaged.fill(0xff, app1 + 6, app1 + 40); // the TIFF header and first IFD entries destroyed
    await expect(readPhotoMetadata(damaged)).resolves.toBeNull();
  });
});

describe('perceptual hash', () => {
  it('puts resized and recompressed copies within the threshold and unrelated photos far outside', async () => {
    const original = await photo('lighthouse.jpg');
    const { phash } = await codec.inspect(original);
    expect(phash).toMatch(/^[0-9a-f]{32}$/);
    for (const copy of await copiesOf(original)) {
      expect(hammingDistance(phash, (await codec.inspect(copy)).phash)).toBeLessThanOrEqual(8);
    }
    for (const name of UNRELATED) {
      const other = (await codec.inspect(await photo(name))).phash;
      expect(hammingDistance(phash, other), name).toBeGreaterThan(2 * NEAR_DUPLICATE_BITS);
    }
    // Orientation is applied first: the same picture stored sideways with an EXIF rotation matches.
    const sideways = await sharp(original).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(hammingDistance(phash, (await codec.inspect(sideways)).phash)).toBeLessThanOrEqual(8);
    expect(hammingDistance(phash, await differenceHash(original))).toBeLessThanOrEqual(8);
  });
});

interface Metadata {
  image_id: string;
  width: number;
  height: number;
  created_at: string;
  taken_at: string;
  taken_at_source: 'exif' | 'upload';
  photo: { model: string | null; gps: { latitude: number } | null } | null;
}

describe('metadata, date-taken sort and near-duplicates over HTTP', () => {
  let server: TestServer;
  let owner: ApiClient;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await ApiClient.register(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const upload = async (client: ApiClient, bytes: Uint8Array, name: string) => {
    const { status, body } = await client.upload(bytes, name, '?process=false');
    expect(status, JSON.stringify(body)).toBe(201);
    return body.image_id;
  };

  it('shows EXIF (GPS to the owner) in GET /images/{id} and falls back to the upload time', async () => {
    const full = await upload(owner, await exifFixture('camera-full.jpg'), 'full.jpg');
    const plain = await upload(owner, await photo('coffee-cup.png'), 'plain.png');
    const { body: meta } = await owner.json<Metadata>('GET', `/images/${full}`);
    expect(meta).toMatchObject({
      taken_at: '2024-06-01T19:42:10+02:00',
      taken_at_source: 'exif',
      photo: { model: 'Fixture One', gps: { latitude: expect.closeTo(48.858233, 5) }, orientation: 6 },
    });
    // Orientation 6: stored 400x602 (portrait), shown turned a quarter: 602x400.
    expect([meta.width, meta.height]).toEqual([602, 400]);
    const { body: none } = await owner.json<Metadata>('GET', `/images/${plain}`);
    expect(none).toMatchObject({ taken_at: none.created_at, taken_at_source: 'upload', photo: null });
    // Lists carry the date taken, never the position.
    const { body: list } = await owner.json<{ items: Metadata[] }>('GET', '/images');
    const listed = list.items.find((i) => i.image_id === full)!;
    expect(listed.photo?.model).toBe('Fixture One');
    expect(listed.photo?.gps).toBeNull();
    // Another user cannot read it at all.
    const stranger = await ApiClient.register(server.url);
    expect((await stranger.json('GET', `/images/${full}`)).status).toBe(404);
  });

  it('sorts by date taken, newest first, with the upload time for photos without EXIF, paging by cursor', async () => {
    const user = await ApiClient.register(server.url);
    const old = await upload(user, await exifFixture('camera-no-zone.jpg'), 'old.jpg');
    const plain = await upload(user, await photo('coffee-cup.png'), 'plain.png');
    const full = await upload(user, await exifFixture('camera-full.jpg'), 'full.jpg');
    const { body } = await user.json<{ items: Metadata[] }>('GET', '/images?sort=taken_at');
    expect(body.items.map((i) => i.image_id)).toEqual([plain, full, old]);
    const first = await user.json<{ items: Metadata[]; next_cursor: string }>(
      'GET',
      '/images?sort=taken_at&limit=2',
    );
    const rest = await user.json<{ items: Metadata[] }>(
      'GET',
      `/images?sort=taken_at&limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(rest.body.items.map((i) => i.image_id)).toEqual([old]);
  });

  /** One user's photo, its resized/recompressed copies and unrelated photos; another user's copy. */
  async function originalCopiesAndOthers() {
    const user = await ApiClient.register(server.url);
    const other = await ApiClient.register(server.url);
    const original = await photo('lighthouse.jpg');
    const id = await upload(user, original, 'lighthouse.jpg');
    const copies: string[] = [];
    for (const [i, copy] of (await copiesOf(original)).entries())
      copies.push(await upload(user, copy, `copy-${i}`));
    const unrelated: string[] = [];
    for (const name of UNRELATED) unrelated.push(await upload(user, await photo(name), name));
    const theirs = await upload(other, original, 'theirs.jpg');
    return { user, other, id, copies, unrelated, theirs };
  }

  it('lists the owner’s near-duplicates of a photo, closest first, and nobody else’s', async () => {
    const { user, other, id, copies } = await originalCopiesAndOthers();

    const { status, body } = await user.json<{ items: { image_id: string; distance: number }[] }>(
      'GET',
      `/images/${id}/duplicates`,
    );
    expect(status).toBe(200);
    expect(body.items.map((i) => i.image_id).sort()).toEqual([...copies].sort());
    const distances = body.items.map((i) => i.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // Symmetric: a copy lists the original among its own.
    const fromCopy = await user.json<{ items: { image_id: string }[] }>(
      'GET',
      `/images/${copies[0]}/duplicates`,
    );
    expect(fromCopy.body.items.map((i) => i.image_id)).toContain(id);
    expect((await other.json('GET', `/images/${id}/duplicates`)).status).toBe(404);
  });

  it('puts a photo and its copies in one near-duplicate group, listed and counted, per owner', async () => {
    const { user, other, id, copies, unrelated, theirs } = await originalCopiesAndOthers();

    type Grouped = { image_id: string; duplicate_group: string | null; duplicates_count: number };
    const { body } = await user.json<{ items: Grouped[] }>('GET', '/images?limit=100');
    const byId = new Map(body.items.map((i) => [i.image_id, i]));
    const group = byId.get(id)!.duplicate_group;
    expect(group).toBe(id); // the first photo names its group
    for (const copy of copies)
      expect(byId.get(copy)).toMatchObject({ duplicate_group: group, duplicates_count: 3 });
    expect(byId.get(id)!.duplicates_count).toBe(3);
    for (const u of unrelated) expect(byId.get(u)).toMatchObject({ duplicate_group: u, duplicates_count: 0 });

    const members = await user.json<{ items: Grouped[] }>('GET', `/images?duplicate_group=${group}`);
    expect(members.body.items.map((i) => i.image_id).sort()).toEqual([id, ...copies].sort());
    // The same picture uploaded by someone else is in a group of its own, and theirs only.
    const { body: others } = await other.json<{ items: Grouped[] }>('GET', '/images');
    expect(others.items).toEqual([expect.objectContaining({ image_id: theirs, duplicate_group: theirs })]);
    expect(
      (await other.json<{ items: Grouped[] }>('GET', `/images?duplicate_group=${group}`)).body.items,
    ).toEqual([]);
    expect((await user.json('GET', '/images?duplicate_group=not-a-uuid')).status).toBe(400);
  });
});

describe('PHAROS_GPS=strip', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PHAROS_GPS: 'strip' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the position out of every API output, the rest of the metadata in', async () => {
    const owner = await ApiClient.register(server.url);
    const { body: uploaded } = await owner.upload(
      await exifFixture('camera-full.jpg'),
      'full.jpg',
      '?process=false',
    );
    const { body: meta } = await owner.json<Metadata>('GET', `/images/${uploaded.image_id}`);
    expect(meta.photo).toMatchObject({ model: 'Fixture One', gps: null });
    expect(JSON.stringify(uploaded)).not.toContain('48.85');
  });
});
