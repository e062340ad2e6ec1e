import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, filesUnder, photo, startTestServer, type TestServer } from '../support/server.js';

describe('accepted uploads', () => {
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

  const lighthouse = () => photo('lighthouse.jpg');

  // Rejected uploads (empty, truncated, not an image, too big, bombs): test/system/hostile-input.test.ts.
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
