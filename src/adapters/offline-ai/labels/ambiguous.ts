/**
 * Parent-class fallback. The detector's animal classes look alike to it (close-up cats called dogs, a
 * crocodile called a bird, a kangaroo an elephant) and so do birds and aircraft: when its evidence for
 * the class is weak, Pharos names the parent the look-alikes share (Animal, Aircraft) instead of
 * guessing the class. Thresholds from the evaluation's tuning half (scripts/eval): every animal
 * detection scoring ≥ 0.42 had the right class; between 0.3 and 0.42 the class was wrong 9 times in 9
 * but "an animal" was right 7 times in 9; below 0.3 even "an animal" was right only 3 times in 9.
 */
import type { Label } from '../../../core/domain.js';
import { interpolate, round1 } from './calibration.js';

/** At or above this raw score the detector's class is trusted. */
export const SURE_CLASS_SCORE = 0.42;
/** Below this, not even the parent is claimed. */
export const PARENT_MIN_SCORE = 0.3;

/** Detector classes and the parent their look-alikes share. */
const PARENT_OF: Readonly<Record<string, { name: string; parents: string[] }>> = {
  bird: { name: 'Animal', parents: [] },
  cat: { name: 'Animal', parents: [] },
  dog: { name: 'Animal', parents: [] },
  horse: { name: 'Animal', parents: [] },
  sheep: { name: 'Animal', parents: [] },
  cow: { name: 'Animal', parents: [] },
  elephant: { name: 'Animal', parents: [] },
  bear: { name: 'Animal', parents: [] },
  zebra: { name: 'Animal', parents: [] },
  giraffe: { name: 'Animal', parents: [] },
  airplane: { name: 'Aircraft', parents: ['Vehicle', 'Transportation'] },
};

/** Parent confidence: 7 in 9 right at 0.3–0.42 (≈ 78), every one right above. */
const PARENT_ANCHORS: [number, number][] = [
  [PARENT_MIN_SCORE, 74],
  [SURE_CLASS_SCORE, 84],
  [0.6, 95],
];
/** A class the detector is unsure of stays visible to the evaluation but below the default filter. */
export const UNSURE_CLASS_MAX_CONFIDENCE = 65;

export function isAmbiguousClass(cocoClass: string): boolean {
  return cocoClass in PARENT_OF;
}

/** The parent label a detection of `cocoClass` at `rawScore` supports, if any. */
export function parentLabel(cocoClass: string, rawScore: number): Label | null {
  const parent = PARENT_OF[cocoClass];
  if (!parent || rawScore < PARENT_MIN_SCORE) return null;
  return {
    name: parent.name,
    confidence: round1(interpolate(PARENT_ANCHORS, rawScore)),
    ...(parent.parents.length ? { parents: [...parent.parents] } : {}),
  };
}
