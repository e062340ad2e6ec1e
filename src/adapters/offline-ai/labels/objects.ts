/** Turns COCO detections into one label per class, with Rekognition-style parents. */
import type { Label } from '../../../core/domain.js';
import { isAmbiguousClass, parentLabel, SURE_CLASS_SCORE, UNSURE_CLASS_MAX_CONFIDENCE } from './ambiguous.js';
import { interpolate, objectConfidence, round1 } from './calibration.js';
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
/**
 * Separate boxes of one family (see TaxonomyEntry.family) needed to name the family: on the fruit
 * plate no class passed 0.34, yet four distinct boxes of apple/orange scored ≥ 0.25. On the fixtures
 * three or more distinct boxes ≥ 0.25 of one kind were always right (sheep, boats, fruit); the
 * jellyfish tank's wrong vases reached two.
 */
const FAMILY_MIN_SCORE = 0.25;
const FAMILY_MIN_COUNT = 3;
const FAMILY_ANCHORS: [number, number][] = [
  [3, 80],
  [4, 84],
  [6, 90],
];
/** Boxes overlapping this much are one thing scored twice (an apple box on an orange). */
const SAME_THING_IOU = 0.5;

type Box = [number, number, number, number];

function iou(a: Box, b: Box): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

function familyLabels(objects: readonly HumanObject[]): DetectedObject[] {
  const byFamily = new Map<string, HumanObject[]>();
  for (const object of objects) {
    const family = COCO_TAXONOMY[object.label]?.family;
    if (!family || object.score < FAMILY_MIN_SCORE) continue;
    byFamily.set(family, [...(byFamily.get(family) ?? []), object]);
  }
  const result: DetectedObject[] = [];
  for (const [family, hits] of byFamily) {
    const distinct: HumanObject[] = [];
    for (const hit of [...hits].sort((a, b) => b.score - a.score)) {
      if (distinct.every((kept) => iou(kept.boxRaw, hit.boxRaw) < SAME_THING_IOU)) distinct.push(hit);
    }
    if (distinct.length < FAMILY_MIN_COUNT) continue;
    // The family's parents are those its members share (Fruit → Food, Plant).
    const memberParents = distinct.map((hit) => COCO_TAXONOMY[hit.label]?.parents ?? []);
    const parents = (memberParents[0] ?? []).filter(
      (p) => p !== family && memberParents.every((list) => list.includes(p)),
    );
    result.push({
      label: {
        name: family,
        confidence: round1(interpolate(FAMILY_ANCHORS, distinct.length)),
        ...(parents.length ? { parents } : {}),
      },
      largestArea: Math.max(...distinct.map((hit) => hit.boxRaw[2] * hit.boxRaw[3])),
      outdoor: false,
    });
  }
  return result;
}

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
    let confidence = Math.min(99, objectConfidence(best) + (grouped ? GROUP_BONUS : 0));
    // A look-alike class on weak evidence: its parent speaks for it (ambiguous.ts).
    const unsure = isAmbiguousClass(cocoClass) && best < SURE_CLASS_SCORE;
    if (unsure) confidence = Math.min(confidence, UNSURE_CLASS_MAX_CONFIDENCE);
    const label: Label = { name: entry.name, confidence: round1(confidence) };
    if (entry.parents.length) label.parents = [...entry.parents];
    const largestArea = Math.max(...hits.map((hit) => hit.boxRaw[2] * hit.boxRaw[3]));
    result.push({ label, largestArea, outdoor: entry.outdoor === true && !unsure });
    const parent = parentLabel(cocoClass, best);
    if (parent) result.push({ label: parent, largestArea, outdoor: false });
  }
  return [...result, ...familyLabels(objects)];
}
