/** Turns COCO detections into one label per class, with Rekognition-style parents. */
import type { Label } from '../../../core/domain.js';
import { objectConfidence, round1 } from './calibration.js';
import { COCO_TAXONOMY } from './coco-taxonomy.js';
import type { HumanObject } from './human-runtime.js';

export interface DetectedObject {
  label: Label;
  /** Largest box of this class, as a fraction of the image area. */
  largestArea: number;
  outdoor: boolean;
}

/** Detections this weak are mostly wrong (see calibration.ts); they are not even counted. */
const MIN_RAW_SCORE = 0.2;
/** Several confident boxes of one class (a flock, a row of boats) are stronger evidence than one. */
const GROUP_MIN_SCORE = 0.3;
const GROUP_MIN_COUNT = 3;
const GROUP_BONUS = 4;

export function labelsFromObjects(objects: readonly HumanObject[]): DetectedObject[] {
  const byClass = new Map<string, HumanObject[]>();
  for (const object of objects) {
    if (object.score < MIN_RAW_SCORE || !COCO_TAXONOMY[object.label]) continue;
    byClass.set(object.label, [...(byClass.get(object.label) ?? []), object]);
  }
  const result: DetectedObject[] = [];
  for (const [cocoClass, hits] of byClass) {
    const entry = COCO_TAXONOMY[cocoClass];
    if (!entry) continue;
    const best = Math.max(...hits.map((hit) => hit.score));
    const grouped = hits.filter((hit) => hit.score >= GROUP_MIN_SCORE).length >= GROUP_MIN_COUNT;
    const confidence = Math.min(99, objectConfidence(best) + (grouped ? GROUP_BONUS : 0));
    const label: Label = { name: entry.name, confidence: round1(confidence) };
    if (entry.parents.length) label.parents = [...entry.parents];
    result.push({
      label,
      largestArea: Math.max(...hits.map((hit) => hit.boxRaw[2] * hit.boxRaw[3])),
      outdoor: entry.outdoor === true,
    });
  }
  return result;
}
