/**
 * Direct uploads end to end below the queue, with real parts: the Hono app's POST /images/uploads on
 * the embedded PostgreSQL, S3Storage against the S3 wire server (which checks the presigned POST's
 * signature and conditions as S3 does), the bytes POSTed as a browser form, then the pipeline's
 * InspectImage step on what arrived — a WebP gets its probe, thumbnail and JPEG rendition, a PDF ends
 * refused and removed — presigned redirects for reads, and the sweep of slots never used.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectAuth } from '../../src/app/auth.js';
import { loadConfig } from '../../src/app/config.js';
import { type Db, createPool } from '../../src/adapters/postgres/db.js';
import { PostgresImageRepository } from '../../src/adapters/postgres/images-repository.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { PostgresStatusStore } from '../../src/adapters/postgres/status-store.js';
import { S3Storage } from '../../src/adapters/s3/storage.js';
import { SharpImageCodec } from '../../src/adapters/sharp/codec.js';
import { directUploadsFor } from '../../src/app/direct-uploads.js';
import { createHttpApp } from '../../src/app/http/app.js';
import type { DirectUploads } from '../../src/core/direct-uploads.js';
import { UPLOAD_SLOT_GRACE_SECONDS, UPLOAD_SLOT_SECONDS } from '../../src/core/direct-uploads.js';
import { renditionKey } from '../../src/core/events.js';
import { ImageService } from '../../src/core/image-service.js';
import { inspectImage } from '../../src/core/inspect-step.js';
import { silentLogger } from '../../src/core/logger.js';
import type { PipelineDocument } from '../../src/core/pipeline.js';
import { freshDatabaseUrl } from '../support/database.js';
import { FAKE_AWS_ENV, useEnv } from '../wire/fake-server.js';
import { type S3Fake, startS3Server } from '../wire/s3-server.js';

const BUCKET = 'pharos-photos';
const MAX = 2 * 1024 * 1024;
let s3: S3Fake, db: Db, restoreEnv: () => void, keys: string;
let app: ReturnType<typeof createHttpApp>;
let images: PostgresImageRepository, storage: S3Storage, uploads: DirectUploads;
let token: string;
let alice: string;
const codec = new SharpImageCodec({ maxPixels: 50_000_000 });

beforeAll(async () => {
  s3 = await startS3Server();
  restoreEnv = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.url });
  db = createPool(await freshDatabaseUrl(), 4);
  await migrate(db);
  images = new PostgresImageRepository(db);
  storage = new S3Storage({ bucket: BUCKET });
  const status = new PostgresStatusStore(db);
  keys = mkdtempSync(path.join(tmpdir(), 'pharos-keys-'));
  const config = { PHAROS_MAX_UPLOAD_BYTES: MAX, PHAROS_AUTO_PROCESS: true };
  uploads = directUploadsFor(config, { images, rawStorage: storage, status, logger: silentLogger })!;
  const photos = new ImageService({
    images,
    storage,
    codec,
    status,
    logger: silentLogger,
    maxUploadBytes: MAX,
    autoProcess: true,
  });
  const auth = await selectAuth(loadConfig({ PHAROS_DATA_DIR: keys }), {
    db,
    photos,
    clock: { now: () => new Date() },
  });
  const session = await auth.accounts.register('alice', 'a-long-enough-password', '127.0.0.1');
  token = session.token;
  alice = session.user_id;
  app = createHttpApp({
    images: photos,
    processing: null as never,
    ...auth,
    maxUploadBytes: MAX,
    uploads,
    logger: silentLogger,
    ready: async () => ({}),
  });
});

afterAll(async () => {
  restoreEnv?.();
  await db?.end();
  await s3?.close();
  rmSync(keys, { recursive: true, force: true });
});

/** The 201 body (or an error body: `error` is then set). */
interface Slot {
  image: { image_id: string; filename: string; status: string; content_type: string };
  upload: { url: string; fields: Record<string, string> };
  expires_at: string;
  error: { code: string };
}

const auth = () => ({ authorization: `Bearer ${token}` });

async function slot(body: object) {
  const response = await app.request('/images/uploads', {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Slot };
}

/** What the browser does with the slot: every field, then the file. */
async function post(
  upload: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
  type: string,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.from(bytes)], { type }), 'photo');
  const response = await fetch(upload.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}

const documentFor = (image: { image_id: string }, key: string, contentType: string): PipelineDocument => ({
  image_id: image.image_id,
  user_id: alice,
  bucket: BUCKET,
  key,
  content_type: contentType,
  execution_id: '00000000-0000-4000-8000-000000000000',
  execution_seq: 1,
});

describe('direct uploads', () => {
  it('hands out a slot (UPLOADING, server key, presigned POST bounded by size and type) and S3 takes the bytes', async () => {
    const webp = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a6f97' } })
      .webp()
      .toBuffer();
    const { status, body } = await slot({
      filename: 'dune.webp',
      content_type: 'image/webp',
      bytes: webp.length,
    });
    expect(status).toBe(201);
    expect(body.image).toMatchObject({
      filename: 'dune.webp',
      status: 'UPLOADING',
      content_type: 'image/webp',
    });
    const key = `uploads/${alice}/${body.image.image_id}`;
    expect(body.upload.fields.key).toBe(key);
    expect(body.upload.url).toContain(s3.url.replace('http://', ''));
    const expires = Date.parse(body.expires_at) - Date.now();
    expect(expires).toBeGreaterThan((UPLOAD_SLOT_SECONDS - 60) * 1000);
    expect(expires).toBeLessThanOrEqual(UPLOAD_SLOT_SECONDS * 1000);

    // The wrong type, or more bytes than the limit, are refused by S3 itself.
    const wrongType = await post(
      { ...body.upload, fields: { ...body.upload.fields, 'Content-Type': 'text/html' } },
      webp,
      'text/html',
    );
    expect(wrongType.status).toBe(403);
    const tooBig = await post(body.upload, new Uint8Array(MAX + 1), 'image/webp');
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('EntityTooLarge');
    expect(s3.has(BUCKET, key)).toBe(false);

    expect((await post(body.upload, webp, 'image/webp')).status).toBe(204);
    expect(s3.has(BUCKET, key)).toBe(true);

    // InspectImage on what arrived: the real probe recorded, a thumbnail, and a JPEG for Rekognition.
    const inspected = await inspectImage(
      { storage, codec, inspections: images },
      documentFor(body.image as never, key, 'image/webp'),
    );
    expect(inspected).toEqual({
      content_type: 'image/webp',
      width: 300,
      height: 200,
      bytes: webp.length,
      rendition: { key: renditionKey(alice, body.image.image_id), content_type: 'image/jpeg' },
    });
    const rendition = s3.objects.get(`${BUCKET}/${inspected.rendition!.key}`)!;
    expect((await sharp(rendition.bytes).metadata()).format).toBe('jpeg');
    expect(s3.has(BUCKET, `thumbnails/${alice}/${body.image.image_id}`)).toBe(true);
    const record = await images.getById(body.image.image_id);
    expect(record).toMatchObject({ width: 300, height: 200, content_type: 'image/webp', bytes: webp.length });

    // Reads are short-lived presigned redirects that S3 answers.
    const content = await app.request(`/images/${body.image.image_id}/content`, { headers: auth() });
    expect(content.status).toBe(302);
    const fetched = await fetch(content.headers.get('location')!);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(webp)).toBe(true);
    const thumb = await app.request(`/images/${body.image.image_id}/thumbnail`, { headers: auth() });
    expect(thumb.status).toBe(302);
    expect(
      (await sharp(Buffer.from(await (await fetch(thumb.headers.get('location')!)).arrayBuffer())).metadata())
        .format,
    ).toBe('jpeg');
  });

  it('refuses a file that is not an image in InspectImage: Image.Rejected with the reason, its object removed', async () => {
    const pdf = readFileSync(path.join(import.meta.dirname, '../../package.json'));
    const { body } = await slot({
      filename: 'notes.pdf',
      content_type: 'application/octet-stream',
      bytes: pdf.length,
    });
    const key = body.upload.fields.key as string;
    expect((await post(body.upload, pdf, 'application/octet-stream')).status).toBe(204);
    await expect(
      inspectImage(
        { storage, codec, inspections: images },
        documentFor(body.image as never, key, 'application/octet-stream'),
      ),
    ).rejects.toMatchObject({ name: 'Image.Rejected', message: expect.stringContaining('not an image') });
    expect(s3.has(BUCKET, key)).toBe(false);
  });

  it('stores what InspectImage read from a direct upload: the EXIF metadata and the hash that finds a copy', async () => {
    const exif = readFileSync(path.join(import.meta.dirname, '../fixtures/exif/camera-full.jpg'));
    const copy = await sharp(exif).rotate().resize(300).webp().toBuffer();
    const ids: string[] = [];
    for (const [name, bytes, type] of [
      ['camera.jpg', exif, 'image/jpeg'],
      ['copy.webp', copy, 'image/webp'],
    ] as const) {
      const { body } = await slot({ filename: name, content_type: type, bytes: bytes.length });
      expect((await post(body.upload, bytes, type)).status).toBe(204);
      await inspectImage(
        { storage, codec, inspections: images },
        documentFor(body.image, body.upload.fields.key as string, type),
      );
      ids.push(body.image.image_id);
    }
    const meta = await app.request(`/images/${ids[0]}`, { headers: auth() });
    expect(await meta.json()).toMatchObject({
      photo: { make: 'Pharos Optics', model: 'Fixture One', orientation: 6 },
      taken_at_source: 'exif',
    });
    const duplicates = await app.request(`/images/${ids[0]}/duplicates`, { headers: auth() });
    expect(
      ((await duplicates.json()) as { items: { image_id: string }[] }).items.map((d) => d.image_id),
    ).toEqual([ids[1]]);
  });

  it('answers clear 4xx for a slot it cannot give, and keeps JPEGs within limits as they are', async () => {
    expect(
      (await slot({ filename: 'a.jpg', content_type: 'image/jpeg', bytes: MAX + 1 })).body.error.code,
    ).toBe('payload_too_large');
    expect((await slot({ filename: 'a.html', content_type: 'text/html', bytes: 10 })).status).toBe(415);
    expect((await slot({ filename: 'a.jpg', content_type: 'image/jpeg' })).status).toBe(400);
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ffcc00' } })
      .jpeg()
      .toBuffer();
    const { body } = await slot({ filename: 'a.jpg', content_type: 'image/jpeg', bytes: jpeg.length });
    await post(body.upload, jpeg, 'image/jpeg');
    const inspected = await inspectImage(
      { storage, codec, inspections: images },
      documentFor(body.image as never, body.upload.fields.key!, 'image/jpeg'),
    );
    expect(inspected).toMatchObject({ content_type: 'image/jpeg', width: 64, height: 48, rendition: null });
  });

  it('removes slots never used after their expiry and grace, and keeps one whose bytes arrived', async () => {
    const unused = await slot({ filename: 'never.jpg', content_type: 'image/jpeg', bytes: 1000 });
    const arrived = await slot({ filename: 'late.jpg', content_type: 'image/jpeg', bytes: 3 });
    await post(arrived.body.upload, new Uint8Array([1, 2, 3]), 'image/jpeg');
    const fresh = await slot({ filename: 'fresh.jpg', content_type: 'image/jpeg', bytes: 1000 });
    await db.query(
      `UPDATE images SET created_at = now() - make_interval(secs => $2) WHERE id = ANY($1::uuid[])`,
      [
        [unused.body.image.image_id, arrived.body.image.image_id],
        UPLOAD_SLOT_SECONDS + UPLOAD_SLOT_GRACE_SECONDS + 60,
      ],
    );
    expect(await uploads.expireSlots()).toBe(1);
    expect(await images.getById(unused.body.image.image_id)).toBeNull();
    expect((await images.getById(arrived.body.image.image_id))?.status).toBe('UPLOADING');
    expect((await images.getById(fresh.body.image.image_id))?.status).toBe('UPLOADING');
    // Not in the user's list any more; the others are, as UPLOADING.
    const list = await app.request('/images', { headers: auth() });
    const ids = ((await list.json()) as { items: { image_id: string; status: string }[] }).items.map(
      (i) => i.image_id,
    );
    expect(ids).not.toContain(unused.body.image.image_id);
    expect(ids).toContain(fresh.body.image.image_id);
  });
});
