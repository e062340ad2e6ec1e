/**
 * What fit-scene.ts and fit-calibration.ts share: the tuning half's label evidence, and which block
 * of the scene features a label's regression reads (the hand-made ones, the embedding's components,
 * or both — chosen per label by cross-validation within the tuning half).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherLabelEvidence, type LabelEvidence } from '../../src/adapters/offline-ai/labels/index.js';
import { HAND_FEATURES } from '../../src/adapters/offline-ai/labels/scene-features.js';
import { cached } from './cache.js';
import { fit } from './logistic.js';
import { readManifest } from './manifest.js';
import { halfOf } from './split.js';

export interface TuningRow {
  evidence: LabelEvidence;
  expected: string[];
}

/** The tuning half's photos with their (cached) evidence; the validation half is never read. */
export async function tuningRows(folder = 'eval'): Promise<TuningRow[]> {
  const manifest = await readManifest(folder);
  const rows: TuningRow[] = [];
  for (const [file, entry] of manifest) {
    if (halfOf(file) !== 'tuning') continue;
    const bytes = new Uint8Array(await readFile(join(folder, 'photos', file)));
    const evidence = await cached<LabelEvidence>('labels', bytes, false, () => gatherLabelEvidence(bytes));
    rows.push({ evidence, expected: entry.expectedLabels });
  }
  return rows;
}

export const FEATURE_SETS = ['hand', 'embedding', 'both'] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

function inSet(set: FeatureSet, j: number): boolean {
  return set === 'both' || (set === 'hand') === j < HAND_FEATURES.length;
}

/** A logistic fit on the set's columns only; the other features get weight 0 in the returned [bias, ...w]. */
export function fitOnSet(xs: number[][], ys: number[], lambda: number, set: FeatureSet): number[] {
  const columns = (xs[0] ?? []).map((_, j) => j).filter((j) => inSet(set, j));
  const [bias = 0, ...weights] = fit(
    xs.map((x) => columns.map((j) => x[j]!)),
    ys,
    lambda,
  );
  const full = new Array<number>((xs[0]?.length ?? 0) + 1).fill(0);
  full[0] = bias;
  columns.forEach((j, i) => (full[j + 1] = weights[i]!));
  return full;
}

/** Keeps only the set's columns (to cross-validate a set with logistic.ts as it is). */
export function columnsOf(xs: number[][], set: FeatureSet): number[][] {
  return xs.map((x) => x.filter((_, j) => inSet(set, j)));
}

/** Per-feature mean and standard deviation (never 0) of the rows, to standardise them. */
export function standardisation(xs: readonly (readonly number[])[]): { mean: number[]; sd: number[] } {
  const d = xs[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((a, x) => a + x[j]!, 0) / xs.length);
  const sd = mean.map((m, j) =>
    Math.max(1e-6, Math.sqrt(xs.reduce((a, x) => a + (x[j]! - m) ** 2, 0) / xs.length)),
  );
  return { mean, sd };
}
