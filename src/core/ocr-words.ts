/**
 * Which of an OCR engine's words to believe, for every text reader. OCR "reads" foliage, brick and
 * gravel as strings of junk; junk has low confidence and few letters, so a word is kept only when the
 * reader is confident and it looks like a word or a number. Each reader brings its own confidence
 * threshold (its scores are on its own scale), tuned on the evaluation's tuning half
 * (`npm run eval -- --text`).
 */
import type { ReadText } from './domain.js';

export interface RawWord {
  text: string;
  /** The reader's confidence, 0–100. */
  confidence: number;
}

/** A photo needs this many believable words before it is said to show text. */
export const MIN_WORDS_FOR_TEXT = 1;

/** Letters (any script) and digits, and how much of the word they make up. */
function alnumShare(word: string): { count: number; share: number } {
  const count = (word.match(/[\p{L}\p{N}]/gu) ?? []).length;
  return { count, share: word.length ? count / word.length : 0 };
}

export function believableWords(words: readonly RawWord[], minConfidence: number): RawWord[] {
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

/** A reader's words → what it found: the believable ones, or nothing when too few are believable. */
export function readTextFromWords(
  words: readonly RawWord[],
  minConfidence: number,
  minWords = MIN_WORDS_FOR_TEXT,
): Omit<ReadText, 'provenance'> {
  const kept = believableWords(words, minConfidence);
  const found = kept.length >= minWords;
  return {
    text: found ? textOf(kept) : '',
    words: found ? kept.length : 0,
    confidence: found ? Math.round((10 * kept.reduce((a, w) => a + w.confidence, 0)) / kept.length) / 10 : 0,
  };
}
