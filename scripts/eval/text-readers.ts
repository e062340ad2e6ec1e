/**
 * The text readers the evaluation can run (`--text` = the local one, PaddleOCR; `--text=tesseract`):
 * each reader's raw output is cached per photo under a kind that names the reader (and the side it
 * reads at), and the word rules run afresh on it.
 */
import type { ReadText } from '../../src/core/domain.js';
import { cached } from './cache.js';

export const TEXT_READERS = ['paddleocr', 'tesseract'] as const;
export type TextReaderName = (typeof TEXT_READERS)[number];

export interface EvalTextReader {
  name: TextReaderName;
  read(bytes: Uint8Array, fresh: boolean): Promise<Omit<ReadText, 'provenance'>>;
  stop(): Promise<void>;
}

export async function evalTextReader(name: TextReaderName, readSide?: number): Promise<EvalTextReader> {
  if (name === 'tesseract') {
    const t = await import('../../src/adapters/tesseract/text-reader.js');
    return {
      name,
      read: async (bytes, fresh) =>
        t.readTextFromWords(await cached('text', bytes, fresh, () => t.readRawWords(bytes))),
      stop: t.stopLocalTextReader,
    };
  }
  const p = await import('../../src/adapters/paddleocr/text-reader.js');
  return {
    name,
    read: async (bytes, fresh) => p.readTextFromLines(await paddleLines(bytes, fresh, readSide)),
    stop: async () => {},
  };
}

/** PaddleOCR's lines for a photo read at `side` (default: the reader's own), cached per side. */
export async function paddleLines(bytes: Uint8Array, fresh: boolean, side?: number) {
  const p = await import('../../src/adapters/paddleocr/text-reader.js');
  const at = side ?? p.READ_SIDE;
  return cached(`text-paddleocr-at-${at}`, bytes, fresh, () => p.readLines(bytes, { side: at }));
}

/** `--text` → PaddleOCR, `--text=tesseract` → Tesseract; absent → null. */
export function textReaderArg(argv: readonly string[]): TextReaderName | null {
  const arg = argv.find((a) => a === '--text' || a.startsWith('--text='));
  if (!arg) return null;
  const name = arg === '--text' ? 'paddleocr' : arg.slice('--text='.length);
  if (!(TEXT_READERS as readonly string[]).includes(name))
    throw new Error(`--text=${name}: choose from ${TEXT_READERS.join(', ')}`);
  return name as TextReaderName;
}
