/**
 * Honest confidences: each label source's raw confidence (per label name where the tuning half has
 * enough of them) mapped to how often such a label was right there, by isotonic regression fitted on
 * the evaluation's TUNING half only (scripts/eval/fit-calibration.ts; the scene model's own labels
 * scored out of fold, so its fit does not flatter itself). A label given 90 should be right about
 * 9 times in 10; the default filter (≥ 80) then shows only labels that are usually right.
 */
import type { Label } from '../../../core/domain.js';
import { interpolate, round1 } from './calibration.js';
import { LABEL_CALIBRATION } from './label-calibration-model.js';

/** `source:Name` when that label has its own curve, else the source's curve; none: unchanged. */
function curveOf(source: string, name: string): readonly (readonly [number, number])[] | undefined {
  const curves = LABEL_CALIBRATION.curves as Readonly<Record<string, readonly (readonly [number, number])[]>>;
  return curves[`${source}:${name}`] ?? curves[source];
}

export function calibrateLabels(source: string, labels: readonly Label[]): Label[] {
  return labels.map((label) => {
    const curve = curveOf(source, label.name);
    if (!curve) return label;
    return { ...label, confidence: round1(interpolate(curve as [number, number][], label.confidence)) };
  });
}
