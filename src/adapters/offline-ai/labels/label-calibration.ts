/**
 * Honest confidences: each label source's raw confidence (per label name where the tuning half has
 * a few of them, shrunk toward the source's curve) mapped to how often such a label was right there,
 * by Platt curves fitted on the evaluation's TUNING half only (scripts/eval/fit-calibration.ts; the
 * scene model's own labels scored out of fold, so its fit does not flatter itself). A label given 90 should be right about
 * 9 times in 10; the default filter (≥ 80) then shows only labels that are usually right.
 */
import type { Label } from '../../../core/domain.js';
import { interpolate, round1 } from './calibration.js';
import { LABEL_CALIBRATION } from './label-calibration-model.js';

/** A Platt curve: P(right) = σ(bias + max(0, slope) · (raw − 75) / 10). */
export type PlattCurve = readonly [bias: number, slope: number];

/** Never more certain than this, whatever the tuning half says. */
export const MAX_CALIBRATED_CONFIDENCE = 97;

export function plattProbability([bias, slope]: PlattCurve, raw: number): number {
  return 1 / (1 + Math.exp(-(bias + Math.max(0, slope) * ((raw - 75) / 10))));
}

/** The curve sampled at every 5 points of raw confidence (×100, one decimal, capped), interpolated between. */
export function plattAnchors(curve: PlattCurve): [number, number][] {
  const anchors: [number, number][] = [];
  for (let raw = 0; raw <= 100; raw += 5) {
    const percent = Math.round(1000 * plattProbability(curve, raw)) / 10;
    anchors.push([raw, Math.min(MAX_CALIBRATED_CONFIDENCE, percent)]);
  }
  return anchors;
}

/** Curves by `source` or `source:Name` (the committed ones, or a fold's refit in the evaluation). */
export type CalibrationCurves = Readonly<Record<string, PlattCurve>>;

const anchorCache = new WeakMap<CalibrationCurves, Map<string, [number, number][]>>();

/** `source:Name` when that label has its own curve, else the source's curve; none: unchanged. */
function anchorsOf(curves: CalibrationCurves, source: string, name: string): [number, number][] | undefined {
  const key = `${source}:${name}` in curves ? `${source}:${name}` : source;
  const curve = curves[key];
  if (!curve) return undefined;
  let byKey = anchorCache.get(curves);
  if (!byKey) anchorCache.set(curves, (byKey = new Map()));
  let anchors = byKey.get(key);
  if (!anchors) byKey.set(key, (anchors = plattAnchors(curve)));
  return anchors;
}

export function calibrateLabels(
  source: string,
  labels: readonly Label[],
  curves: CalibrationCurves = LABEL_CALIBRATION.curves,
): Label[] {
  return labels.map((label) => {
    const anchors = anchorsOf(curves, source, label.name);
    if (!anchors) return label;
    return { ...label, confidence: round1(interpolate(anchors, label.confidence)) };
  });
}
