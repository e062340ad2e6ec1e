/**
 * Which of Tesseract's words to believe. Tesseract reads documents well and "reads" foliage, brick
 * and gravel as strings of junk; junk has low word confidence and few letters, so a word is kept only
 * when Tesseract is confident and it looks like a word or a number. Thresholds from the evaluation's
 * tuning half (scripts/eval: `npm run eval -- --text`).
 */
export interface RawWord {
  text: string;
  /** Tesseract's confidence, 0–100. */
  confidence: number;
}

export const MIN_WORD_CONFIDENCE = 80;
/** A photo needs this many believable words before it is said to show text. */
export const MIN_WORDS_FOR_TEXT = 1;

/** Letters (any script) and digits, and how much of the word they make up. */
function alnumShare(word: string): { count: number; share: number } {
  const count = (word.match(/[\p{L}\p{N}]/gu) ?? []).length;
  return { count, share: word.length ? count / word.length : 0 };
}

export function believableWords(words: readonly RawWord[], minConfidence = MIN_WORD_CONFIDENCE): RawWord[] {
  return words.filter((w) => {
    const text = w.text.trim();
    const { count, share } = alnumShare(text);
    // Two or more letters/digits, mostly letters/digits, and no letter soup like "lllI|".
    return w.confidence >= minConfidence && count >= 2 && share >= 0.6 && !/(.)\1\1/.test(text);
  });
}

/** The text Pharos stores: believable words in reading order, one space apart. */
export function textOf(words: readonly RawWord[]): string {
  return words
    .map((w) => w.text.trim())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
