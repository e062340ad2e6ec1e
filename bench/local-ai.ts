/**
 * Bench piece for the local AI: P3 = (labels + beauty score) ÷ (sharp decode + resize) on the 12 MP
 * fixture, measured side by side in one run (warm-up first, median of interleaved runs); target ≤ 2x.
 * Two baselines are printed because libvips can shrink a JPEG while decoding it: "decode + resize"
 * decodes every pixel then resizes (the P3 baseline); "thumbnail" is sharp's fastest shrink-on-load.
 * Then where the time goes: each provider's stages timed on their own (decode, models, embedding, pixel statistics).
 * Also peak RSS over repeated passes on every fixture photo, to show memory stays bounded, and the
 * offline text reader's time on the 12 MP fixture (informational: OCR is off by default, not in P3).
 * Runnable alone: `npx tsx bench/local-ai.ts`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  brisqueFromGray,
  computeSignals,
  createLocalBeautyScorer,
  decodeForScoring,
  loadBrisqueModel,
} from '../src/adapters/offline-ai/beauty/index.js';
import { grayFromRgb } from '../src/adapters/offline-ai/beauty/opencv-ops.js';
import { decodeRgb } from '../src/adapters/offline-ai/labels/decode.js';
import { embed } from '../src/adapters/offline-ai/labels/embedding.js';
import { runHuman } from '../src/adapters/offline-ai/labels/human-runtime.js';
import { createLocalLabelDetector, warmUpLocalLabelModels } from '../src/adapters/offline-ai/labels/index.js';
import { measurePixels } from '../src/adapters/offline-ai/labels/pixel-stats.js';
import { measureTexture } from '../src/adapters/offline-ai/labels/texture.js';
import { createPaddleTextReader } from '../src/adapters/paddleocr/text-reader.js';
import type { ImageInput } from '../src/core/ports/index.js';

const PHOTOS = fileURLToPath(new URL('../test/fixtures/photos/', import.meta.url));
const BIG_PHOTO = 'mountain-lake-reflection.jpg';
const RUNS = 7;
const RSS_PASSES = 2;
const RESIZE_SIDE = 1024;
const P3_TARGET = 2;

const call = () => ({ signal: new AbortController().signal });
const input = (key: string, bytes: Uint8Array): ImageInput => ({
  bucket: 'bench',
  key,
  contentType: key.endsWith('.png') ? 'image/png' : 'image/jpeg',
  bytes: async () => bytes,
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function benchLocalAi(): Promise<string[]> {
  const lines: string[] = [];
  const detector = createLocalLabelDetector();
  const scorer = createLocalBeautyScorer();
  const bytes = new Uint8Array(await readFile(join(PHOTOS, BIG_PHOTO)));
  const image = input(BIG_PHOTO, bytes);

  const decodeResize = () =>
    sharp(bytes)
      .rotate()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) =>
        sharp(data, { raw: info }).resize(RESIZE_SIDE, RESIZE_SIDE, { fit: 'inside' }).raw().toBuffer(),
      );
  const thumbnail = () =>
    sharp(bytes).rotate().resize(RESIZE_SIDE, RESIZE_SIDE, { fit: 'inside' }).raw().toBuffer();
  const labels = () => detector.detect(image, call());
  const beauty = () => scorer.score(image, call());

  const loadMs = await timed(() => warmUpLocalLabelModels());
  for (const warm of [decodeResize, thumbnail, labels, beauty]) await warm();

  const samples = {
    decode: [] as number[],
    thumb: [] as number[],
    labels: [] as number[],
    beauty: [] as number[],
    both: [] as number[],
  };
  for (let i = 0; i < RUNS; i++) {
    samples.decode.push(await timed(decodeResize));
    samples.thumb.push(await timed(thumbnail));
    const l = await timed(labels);
    const b = await timed(beauty);
    samples.labels.push(l);
    samples.beauty.push(b);
    samples.both.push(l + b);
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof samples,
    number
  >;
  const p3 = m.both / m.decode;
  lines.push(
    `local-ai: model load ${loadMs.toFixed(0)} ms (once per process)`,
    `local-ai: ${BIG_PHOTO} medians of ${RUNS}: labels ${m.labels.toFixed(0)} ms, beauty ${m.beauty.toFixed(0)} ms, sharp decode+resize ${m.decode.toFixed(0)} ms, sharp thumbnail ${m.thumb.toFixed(0)} ms`,
    `P3 (labels + beauty) / (sharp decode + resize to ${RESIZE_SIDE}px) = ${p3.toFixed(2)}x (target ≤ ${P3_TARGET}x) ${p3 <= P3_TARGET ? 'met' : 'NOT met'}`,
    `P3' against sharp's shrink-on-load thumbnail instead = ${(m.both / m.thumb).toFixed(2)}x (informational)`,
  );

  lines.push(await stageBreakdown(bytes));

  const files = (await readdir(PHOTOS)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const rss: number[] = [];
  for (let pass = 0; pass < RSS_PASSES; pass++) {
    for (const file of files) {
      const photo = input(file, new Uint8Array(await readFile(join(PHOTOS, file))));
      await detector.detect(photo, call());
      await scorer.score(photo, call());
      rss.push(process.memoryUsage().rss);
    }
  }
  const perPass = Array.from({ length: RSS_PASSES }, (_, p) =>
    Math.max(...rss.slice(p * files.length, (p + 1) * files.length)),
  );
  lines.push(
    `local-ai: peak RSS over ${rss.length} photos (${RSS_PASSES} passes of ${files.length}): ${mib(Math.max(...rss))}; per pass ${perPass.map(mib).join(' → ')}`,
  );
  lines.push(await ocrLine(image)); // after the RSS passes, which it would otherwise inflate
  return lines;
}

/** The offline text reader (PHAROS_TEXT=local, off by default) on the same photo: informational, not in P3. */
async function ocrLine(image: ImageInput): Promise<string> {
  const reader = createPaddleTextReader();
  const loadMs = await timed(() => reader.read(image, call()));
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(() => reader.read(image, call())));
  return `local-ai: OCR (PaddleOCR, PHAROS_TEXT=local) on ${BIG_PHOTO}: median of ${RUNS} ${median(runs).toFixed(0)} ms (first call with model load ${loadMs.toFixed(0)} ms; informational, not in P3)`;
}

/** The stages of `labels` and `beauty` above, timed one by one (medians of RUNS, same photo). */
async function stageBreakdown(bytes: Uint8Array): Promise<string> {
  const model = loadBrisqueModel();
  const spans: Record<string, number[]> = {};
  async function span<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await fn();
    (spans[name] ??= []).push(performance.now() - start);
    return result;
  }
  for (let i = 0; i < RUNS; i++) {
    const rgb = await span('labels decode', () => decodeRgb(bytes));
    await span('Human models', () => runHuman(rgb.data, rgb.width, rgb.height));
    await span('embedding', () => embed(rgb.data, rgb.width, rgb.height));
    await span('pixel+texture stats', () => [measurePixels(rgb), measureTexture(rgb)]);
    const { pixels } = await span('beauty decode', () => decodeForScoring(bytes));
    const { width, height, channels, data } = pixels;
    const gray = grayFromRgb(data, width, height, channels);
    await span('BRISQUE', () => brisqueFromGray(gray, width, height, model));
    await span('signals', () => computeSignals(data, width, height, channels, gray));
  }
  const ms = (name: string) => `${name} ${median(spans[name] ?? []).toFixed(0)}`;
  return (
    `local-ai: where the time goes (medians of ${RUNS}, ms): labels = ${['labels decode', 'Human models', 'embedding', 'pixel+texture stats'].map(ms).join(' + ')}; ` +
    `beauty = ${['beauty decode', 'BRISQUE', 'signals'].map(ms).join(' + ')}`
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchLocalAi()) console.log(line);
}
