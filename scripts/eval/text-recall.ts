/**
 * OCR figures: word recall on the photos whose manifest lists the words in them (how many of those
 * words the reader returned), and how often a Text label would be claimed for a photo without text.
 */
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
