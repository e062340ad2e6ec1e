/**
 * OCR figures: word recall on the photos whose manifest lists the words in them (how many of those
 * words the reader returned), and how often a Text label would be claimed for a photo without text.
 */
import { percent } from './metrics.js';

export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).map((w) => w.normalize('NFKC'));
}

/** Expected words found in the read text, counting repeats as often as they were read. */
export function recall(expected: string, read: string): { found: number; total: number } {
  const want = wordsOf(expected);
  const got = new Map<string, number>();
  for (const w of wordsOf(read)) got.set(w, (got.get(w) ?? 0) + 1);
  let found = 0;
  for (const w of want) {
    const left = got.get(w) ?? 0;
    if (left > 0) {
      found++;
      got.set(w, left - 1);
    }
  }
  return { found, total: want.length };
}

/** One photo's OCR outcome: expected words found / listed, and whether text was claimed. */
export interface TextOutcome {
  textFound: number;
  textTotal: number;
  textClaimed: boolean | null;
}

/** Word recall (all words and mean per photo) on photos with text; text claimed on photos without. */
export function textFigures(rows: readonly TextOutcome[]): Record<string, string> {
  const withText = rows.filter((r) => r.textTotal > 0);
  const found = withText.reduce((a, r) => a + r.textFound, 0);
  const total = withText.reduce((a, r) => a + r.textTotal, 0);
  const meanRecall = withText.reduce((a, r) => a + r.textFound / r.textTotal, 0) / (withText.length || 1);
  const noText = rows.filter((r) => r.textTotal === 0);
  const falseText = noText.filter((r) => r.textClaimed).length;
  return {
    'OCR word recall (all words)': `${percent(found, total)} (${found}/${total}; ${withText.length} photos)`,
    'OCR word recall (mean/photo)': withText.length ? `${(100 * meanRecall).toFixed(1)}%` : 'n/a',
    'Text on photos without text': `${percent(falseText, noText.length)} (${falseText}/${noText.length})`,
  };
}
