/**
 * `npx tsx scripts/eval/fit-calibration.ts > src/adapters/offline-ai/labels/label-calibration-model.ts`:
 * fits the offline labels' confidence calibration on the TUNING half only (the validation half is never
 * read). Every source's raw labels are scored against the expected labels; the scene model's labels
 * come from models refitted without the photo's fold (out of fold), because the scene model was fitted
 * on these same photos and would look better than it is. Per curve: Platt scaling (a logistic curve of
 * right/wrong on the raw confidence). Each source gets one curve from all its labels; each label name
 * seen at least OWN_CURVE_MIN times gets its own, shrunk toward its source's (partial pooling: a label
 * seen ten times moves only as far from its source as its ten labels justify). The pooling strength
 * is chosen by out-of-fold log-loss within the tuning half (fit on three folds, score the fourth).
 */
import {
  committedProjection,
  rootEmbedding,
} from '../../src/adapters/offline-ai/labels/embedding-features.js';
import { labelSources, labelsFromEvidence } from '../../src/adapters/offline-ai/labels/index.js';
import {
  MAX_CALIBRATED_CONFIDENCE,
  plattAnchors,
  plattProbability,
} from '../../src/adapters/offline-ai/labels/label-calibration.js';
import { sceneFeatureNames, sceneFeatures } from '../../src/adapters/offline-ai/labels/scene-features.js';
import type { SceneModel } from '../../src/adapters/offline-ai/labels/scene-labels.js';
import { SCENE_MODEL } from '../../src/adapters/offline-ai/labels/scene-model.js';
import { filterLabels } from '../../src/core/policies.js';
import { FOLDS, fit } from './logistic.js';
import { calibrate, percent, scoreLabels } from './metrics.js';
import { fitPca } from './pca.js';
import {
  fitOnSet,
  standardisation,
  tuningRows,
  type FeatureSet,
  type TuningRow as Row,
} from './scene-fit.js';
import { matchesExpected } from './synonyms.js';

/** A label name gets its own curve with at least this many labels of it in the tuning half. */
const OWN_CURVE_MIN = 3;
/** L2 strength of a source's two-parameter fit (toward a flat curve): a few labels must not make a cliff. */
const PLATT_LAMBDA = 1;
/** Pooling strengths tried: L2 pull of a label's curve toward its source's, in labels' worth of evidence. */
const POOLING = [1, 3, 10, 30, 100];

/**
 * The scene model refitted on every fold but `fold` — the embedding's principal axes and the
 * standardisation too, so the held-out fold is as unseen as a new photo — with the fitted model's λ
 * and feature set per label.
 */
function sceneModelWithout(rows: readonly Row[], fold: number): SceneModel {
  const keep = (_: unknown, i: number) => i % FOLDS !== fold;
  const train = rows.filter(keep);
  const projection = fitPca(
    train.map((r) => rootEmbedding(r.evidence.embedding)),
    committedProjection().components.length,
  );
  const raw = rows.map((r) => sceneFeatures(r.evidence, projection));
  const { mean, sd } = standardisation(raw.filter(keep));
  const xs = raw.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const labels: Record<string, { weights: number[]; parents: readonly string[] }> = {};
  for (const [name, model] of Object.entries(SCENE_MODEL.labels)) {
    const ys = rows.map((r) => (matchesExpected(name, r.expected) ? 1 : 0));
    const { lambda, features } = (
      SCENE_MODEL.chosen as Record<string, { lambda: number; features: FeatureSet }>
    )[name] ?? { lambda: 10, features: 'both' };
    labels[name] = {
      weights: fitOnSet(xs.filter(keep), ys.filter(keep), lambda, features),
      parents: model.parents,
    };
  }
  return { mean, sd, labels, projection };
}

interface Point {
  name: string;
  raw: number;
  right: number;
}
type Platt = [bias: number, slope: number];

const scaled = (raw: number) => (raw - 75) / 10;

/** Platt scaling: a logistic curve of right/wrong on the raw confidence, pulled toward `prior` if given. */
function platt(points: readonly Point[], lambda: number, prior?: Platt): Platt {
  const [bias = 0, slope = 0] = fit(
    points.map((p) => [scaled(p.raw)]),
    points.map((p) => p.right),
    lambda,
    prior,
  );
  return [bias, slope];
}

/** One curve per source, and per label name seen often enough, shrunk toward its source's by `pooling`. */
function fitCurves(points: ReadonlyMap<string, readonly Point[]>, pooling: number): Map<string, Platt> {
  const fitted = new Map<string, Platt>();
  for (const [source, list] of points) {
    const pooled = platt(list, PLATT_LAMBDA);
    fitted.set(source, pooled);
    for (const name of new Set(list.map((p) => p.name))) {
      const own = list.filter((p) => p.name === name);
      if (own.length >= OWN_CURVE_MIN) fitted.set(`${source}:${name}`, platt(own, pooling, pooled));
    }
  }
  return fitted;
}

/** Mean log-loss of the calibrated confidences on held-out folds, curves fitted on the other three. */
function outOfFoldLoss(points: ReadonlyMap<string, readonly (Point & { fold: number })[]>, pooling: number) {
  let loss = 0;
  let count = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = new Map([...points].map(([s, list]) => [s, list.filter((p) => p.fold !== fold)] as const));
    const curves = fitCurves(train, pooling);
    for (const [source, list] of points) {
      for (const p of list.filter((q) => q.fold === fold)) {
        const curve = curves.get(`${source}:${p.name}`) ?? curves.get(source);
        const q = curve
          ? Math.min(MAX_CALIBRATED_CONFIDENCE / 100, Math.max(0.01, plattProbability(curve, p.raw)))
          : 0.5;
        loss -= p.right ? Math.log(q) : Math.log(1 - q);
        count++;
      }
    }
  }
  return loss / count;
}

/**
 * What the validation half can be expected to show, estimated on the tuning half alone: each photo's
 * labels come from a scene model and calibration curves fitted without its fold, and go through the
 * default filter. (The evaluation's tuning column scores photos the committed fit has seen, which
 * flatters it.) Any change to the label rules or the filter can be judged here before validation.
 */
function outOfFoldEstimate(
  rows: readonly Row[],
  outOfFold: readonly SceneModel[],
  points: ReadonlyMap<string, readonly (Point & { fold: number })[]>,
  pooling: number,
): string[] {
  const scores: ReturnType<typeof scoreLabels>[] = [];
  const all: { confidence: number; right: boolean }[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = new Map([...points].map(([s, list]) => [s, list.filter((p) => p.fold !== fold)] as const));
    const models = { scene: outOfFold[fold], curves: Object.fromEntries(fitCurves(train, pooling)) };
    rows.forEach((row, i) => {
      if (i % FOLDS !== fold) return;
      const labels = labelsFromEvidence(row.evidence, 50, models);
      scores.push(scoreLabels(filterLabels(labels), row.expected));
      for (const l of labels)
        all.push({ confidence: l.confidence, right: matchesExpected(l.name, row.expected) });
    });
  }
  const count = (pick: (s: (typeof scores)[number]) => number) => scores.reduce((a, s) => a + pick(s), 0);
  const hits = count((s) => (s.top3Hit ? 1 : 0));
  const blank = count((s) => (s.returned === 0 ? 1 : 0));
  return [
    `out of fold (${rows.length} tuning photos): top-3 hit ${percent(hits, rows.length)}, ` +
      `precision at ≥ 80 ${percent(
        count((s) => s.correct),
        count((s) => s.returned),
      )}, ` +
      `no label ${percent(blank, rows.length)}`,
    `out-of-fold calibration: ${calibrate(all)
      .map(
        (b) =>
          `${b.from}–${b.to} ${percent(b.right, b.labels)} (mean ${b.meanConfidence.toFixed(0)}, ${b.labels})`,
      )
      .join('; ')}`,
  ];
}

async function main(): Promise<void> {
  const rows = await tuningRows();
  const outOfFold = Array.from({ length: FOLDS }, (_, fold) => sceneModelWithout(rows, fold));
  const points = new Map<string, (Point & { fold: number })[]>();
  rows.forEach((row, i) => {
    const sources = labelSources(row.evidence, outOfFold[i % FOLDS]);
    for (const [source, labels] of Object.entries(sources)) {
      for (const label of labels) {
        const list = points.get(source) ?? [];
        list.push({
          name: label.name,
          raw: label.confidence,
          right: matchesExpected(label.name, row.expected) ? 1 : 0,
          fold: i % FOLDS,
        });
        points.set(source, list);
      }
    }
  });
  const scored = POOLING.map((pooling) => ({ pooling, loss: outOfFoldLoss(points, pooling) }));
  console.error(
    scored.map((s) => `pooling ${s.pooling}: out-of-fold log-loss ${s.loss.toFixed(4)}`).join('; '),
  );
  const { pooling } = scored.reduce((a, b) => (b.loss < a.loss ? b : a));
  const curves = Object.fromEntries(fitCurves(points, pooling));
  for (const [key, c] of Object.entries(curves)) console.error(`${key}: ${JSON.stringify(plattAnchors(c))}`);
  for (const line of outOfFoldEstimate(rows, outOfFold, points, pooling)) console.error(line);
  console.log(`/**
 * Generated by scripts/eval/fit-calibration.ts from the evaluation's tuning half (${rows.length} photos,
 * ${sceneFeatureNames().length} scene features, scene labels scored out of fold). Per source and per label name
 * (shrunk toward its source's curve with the pooling strength below): a Platt curve [bias, slope]
 * (label-calibration.ts samples and interpolates it). Re-run the script rather than editing the numbers.
 */
export const LABEL_CALIBRATION = {
  photos: ${rows.length},
  pooling: ${pooling},
  curves: ${JSON.stringify(curves)},
} as const;`);
}

await main();
