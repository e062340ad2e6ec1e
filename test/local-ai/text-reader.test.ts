import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalTextReader, stopLocalTextReader } from '../../src/adapters/tesseract/text-reader.js';
import { believableWords } from '../../src/adapters/tesseract/words.js';
import type { ImageInput, TextReader } from '../../src/core/ports/index.js';
import { readTextOrError, TEXT_LABEL, withReadText } from '../../src/core/text.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'photos');
const photo = (file: string): ImageInput => ({
  bucket: 'test',
  key: file,
  contentType: 'image/jpeg',
  bytes: async () => new Uint8Array(await readFile(join(FIXTURES, file))),
});
const call = () => ({ signal: new AbortController().signal });

describe('offline text reader (Tesseract on wasm, model from npm)', () => {
  const reader = createLocalTextReader();
  afterAll(() => stopLocalTextReader());

  it('reads the words of a sign in a committed photo', async () => {
    const read = await reader.read(photo('customer-freephone-sign.jpg'), call());
    for (const word of ['Customer', 'Freephone', 'Private', 'Hire', 'Service'])
      expect(read.text).toContain(word);
    expect(read.words).toBeGreaterThanOrEqual(5);
    expect(read.confidence).toBeGreaterThanOrEqual(80);
    expect(read.provenance).toMatchObject({ provider: 'local' });
  }, 120_000);

  it('finds no text in a photo without any', async () => {
    const read = await reader.read(photo('forest-path.jpg'), call());
    expect(read.text).toBe('');
    expect(read.words).toBe(0);
  }, 120_000);

  it('keeps confident, word-like words and drops junk', () => {
    expect(
      believableWords([
        { text: 'PARKING', confidence: 91 },
        { text: 'SE', confidence: 40 },
        { text: '|=', confidence: 95 },
        { text: 'llll', confidence: 90 },
        { text: '125', confidence: 88 },
      ]).map((w) => w.text),
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
    provenance: { provider: 'local', model: 'tesseract', version: '7' },
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
