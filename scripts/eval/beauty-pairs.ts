/**
 * Beauty measurements for the evaluation: the raw output of the scorer for a photo and for each of
 * its degraded copies (an original must score above each copy). Raw outputs are what the cache
 * keeps, so a change of the formula is re-evaluated without measuring again (see `rescore`).
 * Imported lazily by eval.ts, so the label and caption evaluation still runs without a scorer.
 */
import { createLocalBeautyScorer, type BeautyRaw } from '../../src/adapters/offline-ai/beauty/index.js';
import type { BeautyScorer } from '../../src/core/ports/index.js';
import { DEGRADATIONS, prepareOriginal } from './degrade.js';
import { callOptions, imageInput } from './image-input.js';

export interface PairRaw {
  degradation: string;
  original: BeautyRaw;
  degraded: BeautyRaw;
}

export function createScorer(): BeautyScorer {
  return createLocalBeautyScorer();
}

export async function rawOf(
  scorer: BeautyScorer,
  name: string,
  bytes: Uint8Array,
  contentType: string,
): Promise<BeautyRaw> {
  const result = await scorer.score(imageInput(name, bytes, contentType), callOptions());
  return result.raw as BeautyRaw;
}

export async function measurePairs(
  scorer: BeautyScorer,
  photo: string,
  bytes: Uint8Array,
): Promise<PairRaw[]> {
  const original = await prepareOriginal(bytes);
  const originalRaw = await rawOf(scorer, `${photo}#original`, original, 'image/jpeg');
  const results: PairRaw[] = [];
  for (const degradation of DEGRADATIONS) {
    const degraded = await rawOf(
      scorer,
      `${photo}#${degradation.name}`,
      await degradation.apply(original),
      'image/jpeg',
    );
    results.push({ degradation: degradation.name, original: originalRaw, degraded });
  }
  return results;
}
