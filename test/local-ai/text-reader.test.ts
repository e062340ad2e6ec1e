import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createPaddleTextReader } from '../../src/adapters/paddleocr/text-reader.js';
import { createLocalTextReader, stopLocalTextReader } from '../../src/adapters/tesseract/text-reader.js';
import { loadConfig } from '../../src/app/config.js';
import { ErrorNames } from '../../src/core/errors.js';
import { believableWords } from '../../src/core/ocr-words.js';
import type { ImageInput, TextReader } from '../../src/core/ports/index.js';
import { readTextOrError, TEXT_LABEL, withReadText } from '../../src/core/text.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'photos');
const input = (key: string, bytes: () => Promise<Uint8Array>): ImageInput => ({
  bucket: 'test',
  key,
  contentType: 'image/jpeg',
  bytes,
});
const photo = (file: string) => input(file, async () => new Uint8Array(await readFile(join(FIXTURES, file))));
const call = () => ({ signal: new AbortController().signal });

/** What every offline text reader must do, whichever engine reads. */
function behavesAsATextReader(reader: TextReader, provider: string) {
  it('reads the words of a sign in a committed photo', async () => {
    const read = await reader.read(photo('customer-freephone-sign.jpg'), call());
    for (const word of ['Customer', 'Freephone', 'Private', 'Hire', 'Service'])
      expect(read.text).toContain(word);
    expect(read.words).toBeGreaterThanOrEqual(5);
    expect(read.confidence).toBeGreaterThanOrEqual(80);
    expect(read.provenance).toMatchObject({ provider });
  }, 120_000);

  it('finds no text in a photo without any', async () => {
    const read = await reader.read(photo('forest-path.jpg'), call());
    expect(read.text).toBe('');
    expect(read.words).toBe(0);
    expect(
      withReadText({ labels: [], provenance: read.provenance }, read).labels.map((l) => l.name),
    ).not.toContain(TEXT_LABEL);
  }, 120_000);

  it('refuses bytes that are not an image as a permanent error', async () => {
    const junk = input('junk.jpg', async () => new TextEncoder().encode('not a jpeg at all'));
    await expect(reader.read(junk, call())).rejects.toMatchObject({ name: ErrorNames.Permanent });
  }, 120_000);

  it('honours the abort signal, before and while reading', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('timeout'));
    await expect(reader.read(photo('customer-freephone-sign.jpg'), aborted)).rejects.toThrow('timeout');
    const later = new AbortController();
    const reading = reader.read(photo('customer-freephone-sign.jpg'), later);
    later.abort(new Error('shutdown'));
    await expect(reading).rejects.toThrow('shutdown');
  }, 120_000);
}

describe('offline text reader: PaddleOCR PP-OCRv4 on onnxruntime (PHAROS_TEXT=local)', () => {
  const reader = createPaddleTextReader();
  behavesAsATextReader(reader, 'local');

  it('reads scene text on a street sign', async () => {
    const read = await reader.read(photo('street-sign-scene-text.jpg'), call());
    for (const word of ['NOTICE', 'DOUBLE', 'PARKING', 'PROHIBITED']) expect(read.text).toContain(word);
  }, 120_000);

  it('frees the opencv memory it uses: reading a photo again does not grow the heap in use', async () => {
    // A large block is placed above everything still allocated: its address is the heap in use.
    // Required, as the reader does: awaiting opencv.js's thenable module object never settles.
    const opencv = createRequire(import.meta.url)('@techstark/opencv-js') as {
      _malloc(bytes: number): number;
      _free(address: number): void;
    };
    const inUse = () => {
      const address = opencv._malloc(32 << 20);
      opencv._free(address);
      return address;
    };
    const sign = photo('street-sign-scene-text.jpg');
    await reader.read(sign, call());
    const after = inUse();
    for (let i = 0; i < 3; i++) await reader.read(sign, call());
    expect(inUse()).toBe(after);
  }, 120_000);
});

describe('PHAROS_TEXT', () => {
  const scripted = { PHAROS_LABELS: 'scripted', PHAROS_BEAUTY: 'scripted', PHAROS_DESCRIBER: 'scripted' };
  it('local (PaddleOCR) gets the AI worker threads even when no other provider is offline', () => {
    expect(loadConfig({ ...scripted, PHAROS_TEXT: 'local', PHAROS_AI_THREADS: '1' }).aiThreads).toBe(1);
    expect(loadConfig({ ...scripted, PHAROS_TEXT: 'tesseract', PHAROS_AI_THREADS: '1' }).aiThreads).toBe(0);
    expect(loadConfig({ ...scripted, PHAROS_AI_THREADS: '1' }).aiThreads).toBe(0);
    expect(() => loadConfig({ PHAROS_TEXT: 'paddle' })).toThrow(/PHAROS_TEXT/);
  });
});

describe('PaddleOCR model loading', () => {
  /** A copy of the reader module that has not loaded its models yet, and onnxruntime's session factory. */
  async function unloadedReader() {
    const { InferenceSession } = await import('onnxruntime-node');
    const create = vi.spyOn(InferenceSession, 'create');
    vi.resetModules();
    const module = await import('../../src/adapters/paddleocr/text-reader.js');
    return { reader: module.createPaddleTextReader(), create };
  }
  afterEach(() => vi.restoreAllMocks());

  it('loads the models once for concurrent first callers, and reads each photo', async () => {
    const { reader, create } = await unloadedReader();
    const [sign, street] = await Promise.all([
      reader.read(photo('customer-freephone-sign.jpg'), call()),
      reader.read(photo('street-sign-scene-text.jpg'), call()),
    ]);
    expect(sign.text).toContain('Freephone');
    expect(street.text).toContain('PARKING');
    expect(create).toHaveBeenCalledTimes(2); // detection + recognition, once
  }, 120_000);

  it('retries a failed load on the next call', async () => {
    const { reader, create } = await unloadedReader();
    create.mockRejectedValueOnce(new Error('model file unreadable'));
    await expect(reader.read(photo('customer-freephone-sign.jpg'), call())).rejects.toThrow(
      'model file unreadable',
    );
    const read = await reader.read(photo('customer-freephone-sign.jpg'), call());
    expect(read.text).toContain('Freephone');
  }, 120_000);
});

describe('offline text reader: Tesseract on wasm (PHAROS_TEXT=tesseract)', () => {
  afterAll(() => stopLocalTextReader());
  behavesAsATextReader(createLocalTextReader(), 'tesseract');
});

describe('which OCR words to believe', () => {
  it('keeps confident, word-like words and drops junk', () => {
    expect(
      believableWords(
        [
          { text: 'PARKING', confidence: 91 },
          { text: 'SE', confidence: 40 },
          { text: '|=', confidence: 95 },
          { text: 'llll', confidence: 90 },
          { text: '125', confidence: 88 },
        ],
        80,
      ).map((w) => w.text),
    ).toEqual(['PARKING', '125']);
  });
});

describe('text in the DetectLabels result', () => {
  const detected = {
    labels: [{ name: 'Sign', confidence: 90 }],
    provenance: { provider: 'local', model: 'm', version: '1' },
  };
  const read = (text: string, words: number) => ({
    text,
    words,
    confidence: 88,
    provenance: { provider: 'local', model: 'paddleocr', version: '7' },
  });

  it('adds a Text label and carries the text when words were found', () => {
    const result = withReadText(detected, read('NO PARKING', 2));
    expect(result.labels.map((l) => l.name)).toEqual(['Sign', TEXT_LABEL]);
    expect(result.labels.find((l) => l.name === TEXT_LABEL)?.confidence).toBe(88);
    expect(result.text?.text).toBe('NO PARKING');
  });

  it('adds no Text label when nothing was read', () => {
    expect(withReadText(detected, read('', 0)).labels.map((l) => l.name)).toEqual(['Sign']);
  });

  it('records a failing reader instead of failing the photo, but not a timeout', async () => {
    const broken: TextReader = {
      name: 'local',
      read: async () => {
        throw new Error('wasm exploded');
      },
    };
    const result = await readTextOrError(broken, photo('forest-path.jpg'), call());
    expect(result).toMatchObject({ text: '', words: 0, error: 'wasm exploded' });
    const aborted = new AbortController();
    aborted.abort(new Error('timeout'));
    await expect(
      readTextOrError(broken, photo('forest-path.jpg'), { signal: aborted.signal }),
    ).rejects.toThrow();
  });
});
