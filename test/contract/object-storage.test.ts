/** The ObjectStorage contract, on the local disk and on S3 (the S3 wire server), plus presigned uploads. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../src/adapters/s3/storage.js';
import { FileSystemStorage } from '../../src/adapters/filesystem/storage.js';
import type { ObjectStorage } from '../../src/core/ports/index.js';
import { FAKE_AWS_ENV, parseSigV4, useEnv } from '../wire/fake-server.js';
import { type S3Fake, startS3Server } from '../wire/s3-server.js';

let dir: string;
let s3: S3Fake;
let restoreEnv: () => void;
const storages: Record<string, ObjectStorage> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pharos-storage-'));
  storages.filesystem = new FileSystemStorage(dir, 'pharos-photos');
  s3 = await startS3Server();
  restoreEnv = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.url });
  storages.s3 = new S3Storage({ bucket: 'pharos-photos' });
});
afterAll(async () => {
  restoreEnv?.();
  await Promise.all([rm(dir, { recursive: true, force: true }), s3?.close()]);
});

describe.each(['filesystem', 's3'])('ObjectStorage contract: %s', (name) => {
  const storage = () => storages[name]!;

  it('stores bytes with their content type and reads them back', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 250]);
    await storage().put('uploads/u1/one', bytes, 'image/jpeg');
    const read = await storage().get('uploads/u1/one');
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(read.contentType).toBe('image/jpeg');
    expect(storage().bucket).toBe('pharos-photos');
  });

  it('answers 404 not_found for a missing key, and deletes idempotently', async () => {
    await storage().put('uploads/u1/two', new Uint8Array([1]), 'image/png');
    await storage().delete('uploads/u1/two');
    await storage().delete('uploads/u1/two');
    await expect(storage().get('uploads/u1/two')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('S3 on the wire', () => {
  it('puts signed, path-style requests into the bucket', async () => {
    await storages.s3!.put('uploads/u2/photo', new Uint8Array([9, 9, 9]), 'image/webp');
    const put = s3.requests.filter((r) => r.operation === 'PutObject').at(-1)!;
    expect(put.path).toBe('/pharos-photos/uploads/u2/photo');
    expect(parseSigV4(put.headers.authorization)).toMatchObject({ service: 's3', region: 'eu-west-1' });
    expect(s3.objects.get('pharos-photos/uploads/u2/photo')?.contentType).toBe('image/webp');
  });

  it('retries SlowDown with the SDK’s standard retries', async () => {
    s3.fail({ kind: 'throttle', operation: 'GetObject' });
    const before = s3.requests.length;
    expect((await storages.s3!.get('uploads/u2/photo')).bytes).toEqual(new Uint8Array([9, 9, 9]));
    expect(s3.requests.length - before).toBe(2);
  });

  it('presigns a POST upload bounded by size and content type', async () => {
    const storage = storages.s3 as S3Storage;
    const post = await storage.presignUpload('uploads/u3/direct', 'image/jpeg', 1024);
    const send = (bytes: Uint8Array, contentType = 'image/jpeg') => {
      const form = new FormData();
      for (const [k, v] of Object.entries(post.fields))
        form.append(k, k === 'Content-Type' ? contentType : v);
      form.append('file', new Blob([new Uint8Array(bytes)]));
      return fetch(post.url, { method: 'POST', body: form });
    };
    expect(post.url).toBe(`${s3.url}/pharos-photos`);
    expect(post.fields).toMatchObject({
      key: 'uploads/u3/direct',
      'Content-Type': 'image/jpeg',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    });
    expect((await send(new Uint8Array(2048))).status).toBe(400); // over maxBytes
    expect((await send(new Uint8Array(10), 'text/html')).status).toBe(403); // not the agreed type
    expect((await send(new Uint8Array([1, 2, 3]))).status).toBe(204);
    expect((await storage.get('uploads/u3/direct')).bytes).toEqual(new Uint8Array([1, 2, 3]));
  });
});
