/**
 * `npx tsx scripts/eval/tune-text.ts [sides…]`: chooses PaddleOCR's reading side and word-confidence
 * threshold on the TUNING half only (never the validation half): word recall on the photos with text
 * and text claimed on the photos without, for each side every photo is read at (default 1024, 1280, 1536, 2048) and threshold.
 * The line outputs are cached like the evaluation's (scripts/eval/cache.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wordsOfLines } from '../../src/adapters/paddleocr/text-reader.js';
import { readTextFromWords } from '../../src/core/ocr-words.js';
import { readManifest } from './manifest.js';
import { halfOf } from './split.js';
import { recall, textFigures } from './text-recall.js';
import { paddleLines } from './text-readers.js';

const folder = 'eval';
const sides = process.argv.slice(2).map(Number).filter(Boolean);
const manifest = await readManifest(folder);
const files = (await readdir(join(folder, 'photos'))).filter((f) => halfOf(f) === 'tuning').sort();
for (const side of sides.length ? sides : [1024, 1280, 1536, 2048]) {
  const lines: { text: string; mean: number }[][] = [];
  let ms = 0;
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(join(folder, 'photos', file)));
    const started = performance.now();
    lines.push(await paddleLines(bytes, false, side));
    ms += performance.now() - started;
  }
  console.log(
    `side ${side}: ${files.length} tuning photos, ${(ms / files.length).toFixed(0)} ms/photo (0 when cached)`,
  );
  for (const minWords of [1, 2])
    for (const minConfidence of [50, 60, 70, 80, 85, 90, 95]) {
      const rows = files.map((file, i) => {
        const read = readTextFromWords(wordsOfLines(lines[i] ?? []), minConfidence, minWords);
        const expected = manifest.get(file)?.text ?? '';
        const words = expected ? recall(expected, read.text) : { found: 0, total: 0 };
        return { textFound: words.found, textTotal: words.total, textClaimed: read.words > 0 };
      });
      const f = textFigures(rows);
      console.log(
        `  words ≥ ${minWords}, confidence ≥ ${minConfidence}: ${Object.entries(f)
          .map(([k, v]) => `${k.replace('OCR word recall ', '')} ${v}`)
          .join(' | ')}`,
      );
    }
}
