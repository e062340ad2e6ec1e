/**
 * `pharos upload` against a server whose /config.json says `upload.mode = 'direct'` (as the AWS stack
 * writes it): the real server (PHAROS_STORAGE=s3) hands out presigned POSTs on the S3 wire server,
 * which checks their signature and policy as S3 does; the CLI sends the bytes there, never to the API.
 * The bucket's "Object Created" notification goes through the same EventBridge rule the stack installs
 * (uploadRoutingRule) onto the server's queue, so the pipeline, InspectImage first, runs on what arrived.
 */
import { appendFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBossQueue } from '../../src/adapters/pgboss/queue.js';
import { EventRouter, uploadRoutingRule } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import type { ObjectCreatedEvent } from '../../src/core/ports/index.js';
import { ApiClient, PHOTOS, startTestServer, type TestServer } from '../support/server.js';
import { FAKE_AWS_ENV, useEnv } from '../wire/fake-server.js';
import { type S3Fake, startS3Server } from '../wire/s3-server.js';
import { runCli } from './support.js';

const BUCKET = 'pharos-direct-cli';
const MAX = 1024 * 1024;

type UploadJson = {
  results: { file: string; image_id: string | null; status: string; error: string | null }[];
};

describe('pharos upload in direct mode (presigned POST to S3)', () => {
  let s3: S3Fake, server: TestServer, bridge: PgBossQueue, restoreEnv: () => void, dir: string;
  /** Called with each key a browser-style POST stored, before the notification is routed. */
  let onPosted: ((key: string) => void) | null = null;
  const posted: string[] = [];

  beforeAll(async () => {
    let router: EventRouter<ObjectCreatedEvent> | null = null;
    s3 = await startS3Server({
      // The server's own puts (thumbnails, renditions) go through its in-process router already; a
      // POST by a client is what only the bucket sees: its notification, EventBridge-shaped.
      onObjectCreated: ({ bucket, key, size, reason }) => {
        if (reason !== 'PostObject') return;
        posted.push(key);
        onPosted?.(key);
        void router?.route({
          source: 'aws.s3',
          'detail-type': 'Object Created',
          time: new Date().toISOString(),
          detail: { bucket: { name: bucket }, object: { key, size } },
        });
      },
    });
    restoreEnv = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.url });
    server = await startTestServer({
      PHAROS_STORAGE: 's3',
      PHAROS_BUCKET: BUCKET,
      PHAROS_UPLOAD_MODE: 'direct',
      PHAROS_MAX_UPLOAD_BYTES: String(MAX),
    });
    bridge = new PgBossQueue({ url: server.databaseUrl, logger: silentLogger });
    router = new EventRouter([uploadRoutingRule(BUCKET, bridge)]);
    dir = await mkdtemp(path.join(tmpdir(), 'pharos-cli-direct-'));
  });

  afterAll(async () => {
    await bridge?.stop();
    await server?.stop();
    await s3?.close();
    restoreEnv?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function user() {
    const client = await ApiClient.register(server.url);
    const env = { PHAROS_URL: server.url, PHAROS_TOKEN: client.token, XDG_CONFIG_HOME: dir };
    return { client, env };
  }

  it('sends the bytes straight to the storage and follows them to READY with --wait', async () => {
    const { client, env } = await user();
    const config = (await (await fetch(`${server.url}/config.json`)).json()) as {
      upload: { mode: string };
    };
    expect(config.upload.mode).toBe('direct');
    const postedBefore = posted.length;
    const files = ['lighthouse.jpg', 'coffee-cup.png'].map((name) => path.join(PHOTOS, name));
    const run = await runCli(['upload', ...files, '--wait', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/live updates unavailable/);
    const { results } = JSON.parse(run.stdout) as UploadJson;
    expect(results.map((r) => [path.basename(r.file), r.status])).toEqual([
      ['lighthouse.jpg', 'READY'],
      ['coffee-cup.png', 'READY'],
    ]);
    // The bytes went to the bucket by presigned POST, under the server's keys, unchanged.
    expect(posted.length - postedBefore).toBe(2);
    for (const [index, result] of results.entries()) {
      const key = `uploads/${client.userId}/${result.image_id}`;
      expect(posted).toContain(key);
      expect(s3.objects.get(`${BUCKET}/${key}`)!.bytes.equals(await readFile(files[index]!))).toBe(true);
      const meta = await client.json<{ status: string; filename: string; content_type: string }>(
        'GET',
        `/images/${result.image_id}`,
      );
      expect(meta.body).toMatchObject({ status: 'READY', filename: path.basename(files[index]!) });
    }
    expect(s3.requests.filter((r) => r.operation === 'PostObject')).toHaveLength(posted.length);

    // Without --wait: reported as the multipart path reports, with the status the server gave.
    const quick = await runCli(['upload', files[0]!], { env });
    expect(quick.code, quick.stderr).toBe(0);
    expect(quick.stdout).toMatch(/^UPLOADING\s+.*lighthouse\.jpg\s+[0-9a-f-]{36}/m);
    expect(quick.stdout).toMatch(/1 UPLOADING/);
  });

  it('shows the refusal in words with exit 1: over the limit at the API, and at the storage', async () => {
    const { client, env } = await user();
    // A real photo over the limit: the API refuses its slot; nothing reaches the bucket.
    const big = path.join(PHOTOS, 'mountain-lake-reflection.jpg');
    const before = posted.length;
    const refused = await runCli(['upload', big, '--json'], { env });
    expect(refused.code).toBe(1);
    expect((JSON.parse(refused.stdout) as UploadJson).results[0]).toMatchObject({
      status: 'FAILED',
      image_id: null,
      error: `payload_too_large: the file is larger than ${MAX} bytes`,
    });

    // A photo that grows past the limit after the CLI measured it (still being written when the
    // folder was walked): its slot declared the old size, and the storage's policy refuses the bytes.
    const first = path.join(dir, 'first.jpg');
    const growing = path.join(dir, 'growing.jpg');
    await copyFile(path.join(PHOTOS, 'ocean-waves.jpg'), first);
    await copyFile(path.join(PHOTOS, 'lighthouse.jpg'), growing);
    onPosted = () => {
      onPosted = null;
      // Synchronous, in the process that also answers the next slot request: done before it.
      appendFileSync(growing, Buffer.alloc(MAX));
    };
    const human = await runCli(['upload', first, growing, '--concurrency', '1'], { env });
    onPosted = null;
    expect(human.code, human.stderr).toBe(1);
    expect(human.stdout).toMatch(
      /^FAILED\s+.*growing\.jpg\s+-\s+EntityTooLarge: Your proposed upload exceeds the maximum allowed size$/m,
    );
    expect(human.stdout).toMatch(/^UPLOADING\s+.*first\.jpg/m);
    expect(human.stdout).toMatch(/1 UPLOADING, 1 FAILED/);
    expect(human.stderr).toMatch(/growing\.jpg: EntityTooLarge: Your proposed upload exceeds/);
    expect(posted.length - before).toBe(1); // first.jpg only

    // The refused photo's slot is gone at once: the list holds the photo that arrived, nothing else.
    const list = await client.json<{ items: { filename: string }[] }>('GET', '/images');
    expect(list.body.items.map((i) => i.filename)).toEqual(['first.jpg']);
  });

  it('follows a photo the pipeline refuses (a truncated JPEG) to FAILED with its reason, exit 1', async () => {
    const { client, env } = await user();
    // An image by its first bytes (so the CLI sends it) that InspectImage refuses once it has arrived.
    const broken = path.join(dir, 'broken.jpg');
    await writeFile(broken, (await readFile(path.join(PHOTOS, 'lighthouse.jpg'))).subarray(0, 4096));
    const run = await runCli(['upload', broken, '--wait', '--json'], { env });
    expect(run.code, run.stderr).toBe(1);
    const [result] = (JSON.parse(run.stdout) as UploadJson).results;
    expect(result).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Image\.Rejected\b/) });
    // It did arrive in the bucket, and InspectImage removed it there.
    const key = `uploads/${client.userId}/${result!.image_id}`;
    expect(posted).toContain(key);
    expect(s3.has(BUCKET, key)).toBe(false);
  });

  it('refuses --no-process with exit 2: direct uploads are always processed', async () => {
    const { env } = await user();
    const run = await runCli(['upload', path.join(PHOTOS, 'lighthouse.jpg'), '--no-process'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--no-process is not available .* always processed/);
  });
});
