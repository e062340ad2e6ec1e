import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, photo, startTestServer, type TestServer } from '../support/server.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('hostile and broken uploads: a precise 4xx, and nothing stored', () => {
  let server: TestServer;
  let client: ApiClient;
  beforeAll(async () => {
    server = await startTestServer({
      PHAROS_MAX_UPLOAD_BYTES: String(1_500_000),
      PHAROS_MAX_PIXELS: String(4_000_000),
    });
    client = await ApiClient.register(server.url);
  });
  afterAll(() => server?.stop());

  async function expectNothingStored() {
    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM images');
      expect(rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
    expect(await filesUnder(path.join(server.dataDir, 'objects'))).toEqual([]);
    const list = await client.json<{ items: unknown[] }>('GET', '/images');
    expect(list.body.items).toEqual([]);
  }

  const lighthouse = () => photo('lighthouse.jpg');

  it.each([
    ['a zero-byte file', async () => new Uint8Array(0), 400, 'empty_file'],
    ['a truncated JPEG', async () => (await lighthouse()).subarray(0, 30_000), 400, 'invalid_image'],
    [
      'a PDF renamed .jpg',
      async () => new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
      415,
      'unsupported_media_type',
    ],
    [
      'plain text',
      async () => new TextEncoder().encode('hello, this is not a photo at all'),
      415,
      'unsupported_media_type',
    ],
    [
      'an SVG (scriptable, refused)',
      async () =>
        new TextEncoder().encode(
          '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        ),
      415,
      'unsupported_media_type',
    ],
    ['a file over the byte limit', () => photo('mountain-lake-reflection.jpg'), 413, 'payload_too_large'],
    [
      'a decompression bomb (tiny PNG, 100 megapixels)',
      () =>
        sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000' } })
          .png({ compressionLevel: 9 })
          .toBuffer(),
      413,
      'too_many_pixels',
    ],
  ])('%s', async (_name, makeBytes, status, code) => {
    const bytes = await makeBytes();
    const response = await client.upload(bytes, 'upload.jpg');
    expect(response.status).toBe(status);
    expect(response.body.error?.code).toBe(code);
    expect(response.body.error?.message.length).toBeGreaterThan(10);
    await expectNothingStored();
  });

  it('rejects a request without the file field', async () => {
    const form = new FormData();
    form.append('photo', 'x');
    const response = await client.json<{ error: { code: string } }>('POST', '/images', { body: form });
    expect(response.status).toBe(400);
    await expectNothingStored();
  });

  it('accepts PNG and honours EXIF orientation in the reported size', async () => {
    const rotated = await sharp(await lighthouse())
      .withMetadata({ orientation: 6 }) // stored 638x960, displayed rotated 90°
      .jpeg()
      .toBuffer();
    const upload = await client.upload(rotated, 'rotated.jpg', '?process=false');
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ width: 960, height: 638, status: 'UPLOADED', auto_process: false });
    const png = await client.upload(await photo('coffee-cup.png'), 'coffee.png', '?process=false');
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ content_type: 'image/png', width: 600, height: 400 });
    const thumbnail = await client.request('GET', `/images/${png.body.image_id}/thumbnail`);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(Math.max(meta.width, meta.height)).toBe(320);
    const original = await client.request('GET', `/images/${png.body.image_id}/content`);
    expect(Buffer.from(await original.arrayBuffer()).equals(await photo('coffee-cup.png'))).toBe(true);
  });

  it('never uses the client filename as a storage key', async () => {
    const upload = await client.upload(await lighthouse(), '../../../etc/passwd.jpg', '?process=false');
    expect(upload.status).toBe(201);
    const meta = await client.json<{ filename: string }>('GET', `/images/${upload.body.image_id}`);
    expect(meta.body.filename).toBe('passwd.jpg');
    const files = await filesUnder(path.join(server.dataDir, 'objects'));
    expect(files.some((f) => f.includes('passwd'))).toBe(false);
    expect(
      files.some((f) =>
        f.endsWith(`uploads/${(client as ApiClient & { userId: string }).userId}/${upload.body.image_id}`),
      ),
    ).toBe(true);
  });
});
