/**
 * The AI worker pool on its own: the local providers' answers come back unchanged through the threads,
 * provider errors keep their pipeline names, and an aborted call (a state timeout) is cancelled at
 * once while the pool goes on serving.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { AiWorkerPool } from '../../src/adapters/piscina/ai-pool.js';
import { createLocalBeautyScorer } from '../../src/adapters/offline-ai/beauty/index.js';
import { createPaddleTextReader } from '../../src/adapters/paddleocr/text-reader.js';
import type { ImageInput } from '../../src/core/ports/index.js';
import { PHOTOS } from '../support/server.js';

const image = (key: string, bytes: Uint8Array): ImageInput => ({
  bucket: 'test',
  key,
  contentType: 'image/jpeg',
  bytes: async () => bytes,
});
const call = () => ({ signal: new AbortController().signal });

describe('AI worker pool', () => {
  const pool = new AiWorkerPool({ threads: 1 });
  afterAll(() => pool.close());

  it('answers as the in-process provider does, and leaves the caller’s bytes intact', async () => {
    const bytes = new Uint8Array(await readFile(`${PHOTOS}/lighthouse.jpg`));
    const input = image('lighthouse.jpg', bytes);
    const threaded = await pool.beautyScorer().score(input, call());
    expect(threaded).toEqual(await createLocalBeautyScorer().score(input, call()));
    expect(bytes.byteLength).toBeGreaterThan(0); // a fallback provider could still read them
  }, 60_000);

  it('reads text on a worker thread, as the in-process PaddleOCR reader does', async () => {
    const bytes = new Uint8Array(await readFile(`${PHOTOS}/customer-freephone-sign.jpg`));
    const input = image('sign.jpg', bytes);
    const threads: boolean[] = [];
    const unsubscribe = pool.onTask((event) => threads.push(event.thread.isMainThread));
    const threaded = await pool.textReader().read(input, call());
    unsubscribe();
    expect(threaded.text).toContain('Freephone');
    expect(threaded).toEqual(await createPaddleTextReader().read(input, call()));
    expect(threads).toEqual([false]);
  }, 120_000);

  it('keeps the provider’s error name (the retry rules match on it)', async () => {
    const broken = image('broken.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    await expect(pool.beautyScorer().score(broken, call())).rejects.toMatchObject({
      name: 'Provider.Permanent',
    });
  }, 60_000);

  it('an aborted call rejects with the abort’s reason, and the pool keeps working', async () => {
    const bytes = new Uint8Array(await readFile(`${PHOTOS}/mountain-lake-reflection.jpg`));
    const controller = new AbortController();
    const running = pool.labelDetector().detect(image('big.jpg', bytes), { signal: controller.signal });
    // Aborted while it runs on the thread (not before it was sent).
    while (pool.pending === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('state timed out');
    reason.name = 'States.Timeout';
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    const after = await pool.labelDetector().detect(image('lighthouse.jpg', bytes), call());
    expect(after.labels.length).toBeGreaterThan(0);
    expect(pool.crashes).toBe(0);
  }, 120_000);
});
