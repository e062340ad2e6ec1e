/**
 * The older offline text reader (`PHAROS_TEXT=tesseract`): Tesseract 5 compiled to WebAssembly (tesseract.js),
 * with the English LSTM model from the @tesseract.js-data/eng npm package. Nothing is downloaded at
 * run time: the wasm core and the trained data are read from node_modules. tesseract.js runs the
 * recognition on its own worker thread, so the event loop stays free.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createWorker, type Worker } from 'tesseract.js';
import type { ReadText } from '../../core/domain.js';
import { permanentError } from '../../core/errors.js';
import type { CallOptions, ImageInput, TextReader } from '../../core/ports/index.js';
import { readTextFromWords as fromWords, type RawWord } from '../../core/ocr-words.js';

const require = createRequire(import.meta.url);

/** Tesseract's word confidence (0–100) below which a word is junk (tuning half). */
export const MIN_WORD_CONFIDENCE = 80;
/** The integer-quantised "best" model: as accurate as "best", a third of its size and faster. */
const MODEL = '4.0.0_best_int';
/** Longest side handed to Tesseract: signs and pages stay legible, big photos cost less. */
const READ_SIDE = 1024;
const MAX_INPUT_PIXELS = 100_000_000;

function langPath(): string {
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), MODEL);
}

/** Read on first use, not at import: a bundle that never reads text (the Lambdas) ships no tesseract.js. */
const tesseractVersion = (): string => (require('tesseract.js/package.json') as { version: string }).version;

let starting: Promise<Worker> | null = null;

/** One Tesseract worker per process, started on first use; jobs queue inside it. */
function tesseract(): Promise<Worker> {
  starting ??= createWorker('eng', 1, { langPath: langPath(), cacheMethod: 'none', gzip: true }).catch(
    (error: unknown) => {
      starting = null;
      throw error;
    },
  );
  return starting;
}

/** Every word Tesseract read, with its confidence (the evaluation caches these). */
export async function readRawWords(bytes: Uint8Array, signal?: AbortSignal): Promise<RawWord[]> {
  let gray: Buffer;
  try {
    gray = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(READ_SIDE, READ_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .grayscale()
      .png({ compressionLevel: 1 })
      .toBuffer();
  } catch (error) {
    throw permanentError('image could not be decoded for text reading', error);
  }
  signal?.throwIfAborted();
  const worker = await tesseract();
  const { data } = await worker.recognize(gray, {}, { text: false, blocks: true });
  const words: RawWord[] = [];
  for (const block of data.blocks ?? [])
    for (const paragraph of block.paragraphs)
      for (const line of paragraph.lines)
        for (const word of line.words) words.push({ text: word.text, confidence: word.confidence });
  return words;
}

export function readTextFromWords(words: readonly RawWord[]): Omit<ReadText, 'provenance'> {
  return fromWords(words, MIN_WORD_CONFIDENCE);
}

export function createLocalTextReader(): TextReader {
  return {
    name: 'tesseract',
    async read(image: ImageInput, { signal }: CallOptions): Promise<ReadText> {
      signal.throwIfAborted();
      const words = await readRawWords(await image.bytes(), signal);
      signal.throwIfAborted();
      return {
        ...readTextFromWords(words),
        provenance: { provider: 'tesseract', model: `tesseract-eng-${MODEL}`, version: tesseractVersion() },
      };
    },
  };
}

/** Ends the Tesseract worker thread (tests, shutdown). */
export async function stopLocalTextReader(): Promise<void> {
  const running = starting;
  starting = null;
  if (running) await (await running).terminate();
}
