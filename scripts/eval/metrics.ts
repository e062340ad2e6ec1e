/** Scores one photo's labels against the manifest's expected labels, and sums them per half. */
import type { Label } from '../../src/core/domain.js';
import { matchesExpected } from './synonyms.js';

/** Labels at or above this confidence are the ones the default filter shows a user. */
export const SHOWN_CONFIDENCE = 80;

export interface LabelScore {
  top3Hit: boolean;
  /** Shown labels (≥ 80) that are right, and how many were shown. */
  correct: number;
  returned: number;
  wrong: string[];
}

export function scoreLabels(filtered: readonly Label[], expected: readonly string[]): LabelScore {
  const shown = filtered.filter((l) => l.confidence >= SHOWN_CONFIDENCE);
  const wrong = shown.filter((l) => !matchesExpected(l.name, expected)).map((l) => l.name);
  return {
    top3Hit: shown.slice(0, 3).some((l) => matchesExpected(l.name, expected)),
    correct: shown.length - wrong.length,
    returned: shown.length,
    wrong,
  };
}

/** Confidence bins of the calibration table: [from, to). */
export const CALIBRATION_BINS: readonly [number, number][] = [
  [50, 60],
  [60, 70],
  [70, 80],
  [80, 90],
  [90, 101],
];

export interface CalibrationBin {
  from: number;
  to: number;
  labels: number;
  right: number;
  meanConfidence: number;
}

export function calibrate(all: readonly { confidence: number; right: boolean }[]): CalibrationBin[] {
  return CALIBRATION_BINS.map(([from, to]) => {
    const inBin = all.filter((l) => l.confidence >= from && l.confidence < to);
    return {
      from,
      to: Math.min(to, 100),
      labels: inBin.length,
      right: inBin.filter((l) => l.right).length,
      meanConfidence: inBin.length ? inBin.reduce((a, l) => a + l.confidence, 0) / inBin.length : Number.NaN,
    };
  });
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}
