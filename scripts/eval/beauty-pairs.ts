/**
 * Checks the beauty scorer's ordering: each original must score above each of its degraded copies.
 * Imported lazily by eval.ts, so the label and caption evaluation still runs without a scorer.
 */
import { createLocalBeautyScorer } from '../../src/adapters/offline-ai/beauty/index.js';
import type { BeautyScorer } from '../../src/core/ports/index.js';
import { DEGRADATIONS, prepareOriginal } from './degrade.js';
import { callOptions, imageInput } from './image-input.js';

export interface PairResult {
  photo: string;
  degradation: string;
  original: number | null;
  degraded: number | null;
  ordered: boolean;
}

export function createScorer(): BeautyScorer {
  return createLocalBeautyScorer();
}

export async function scoreOf(
  scorer: BeautyScorer,
  name: string,
  bytes: Uint8Array,
  contentType: string,
): Promise<number | null> {
  const result = await scorer.score(imageInput(name, bytes, contentType), callOptions());
  return result.score;
}

export async function comparePairs(
  scorer: BeautyScorer,
  photo: string,
  bytes: Uint8Array,
): Promise<PairResult[]> {
  const original = await prepareOriginal(bytes);
  const originalScore = await scoreOf(scorer, `${photo}#original`, original, 'image/jpeg');
  const results: PairResult[] = [];
  for (const degradation of DEGRADATIONS) {
    const degradedScore = await scoreOf(
      scorer,
      `${photo}#${degradation.name}`,
      await degradation.apply(original),
      'image/jpeg',
    );
    results.push({
      photo,
      degradation: degradation.name,
      original: originalScore,
      degraded: degradedScore,
      ordered: originalScore !== null && degradedScore !== null && originalScore > degradedScore,
    });
  }
  return results;
}
