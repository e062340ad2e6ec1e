/**
 * `npx tsx scripts/eval/fit-scene.ts && npx prettier --write src/adapters/offline-ai/labels/`: fits the
 * offline scene model on the TUNING half of the evaluation set only, from the measurements `npm run
 * eval` cached, and writes src/adapters/offline-ai/labels/embedding-projection.ts (the CNN embedding's
 * principal axes) and scene-model.ts (one L2-regularised logistic regression per coarse label). Run
 * `npm run eval` first; the validation half is never read here.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { encodeProjection, rootEmbedding } from '../../src/adapters/offline-ai/labels/embedding-features.js';
import { sceneFeatureNames, sceneFeatures } from '../../src/adapters/offline-ai/labels/scene-features.js';
import { crossValidated } from './logistic.js';
import { fitPca } from './pca.js';
import {
  columnsOf,
  FEATURE_SETS,
  fitOnSet,
  standardisation,
  tuningRows,
  type TuningRow,
} from './scene-fit.js';
import { matchesExpected } from './synonyms.js';

/** Coarse labels every photo should get some of; each with the parents it implies. */
export const SCENE_TARGETS: Record<string, string[]> = {
  Outdoors: [],
  Indoors: [],
  Nature: [],
  Plant: [],
  Sky: ['Outdoors'],
  Water: ['Nature'],
  Tree: ['Plant', 'Nature'],
  Building: ['Architecture'],
  Animal: [],
  Text: [],
};
/**
 * Labels the embedding might support: each is kept only with at least MIN_POSITIVES examples in the
 * tuning half and a cross-validated log-loss clearly below always guessing its base rate.
 */
const CANDIDATE_TARGETS: Record<string, string[]> = {
  Grass: ['Plant', 'Nature'],
  Landscape: ['Outdoors', 'Nature'],
  Forest: ['Tree', 'Plant', 'Nature'],
  Sea: ['Water', 'Nature'],
  'Close-up': [],
  Flower: ['Plant'],
  Night: [],
  Food: [],
  Street: ['Outdoors'],
  Mountain: ['Outdoors', 'Nature'],
  Beach: ['Outdoors', 'Nature'],
};
const MIN_POSITIVES = 8;
const MAX_LOSS_RATIO = 0.85;
/** Principal components of the embedding tried; the count with the best mean CV log-loss over SCENE_TARGETS is kept. */
const COMPONENT_CHOICES = [8, 16, 24, 32];
/** Regularisation strengths tried; each label takes the set and λ with the best 4-fold CV log-loss. */
const LAMBDAS = [0.3, 1, 3, 10, 30, 100];

const OUT = (name: string) =>
  fileURLToPath(new URL(`../../src/adapters/offline-ai/labels/${name}`, import.meta.url));

function baseRateLoss(ys: readonly number[]): number {
  const p = Math.min(1 - 1e-6, Math.max(1e-6, ys.reduce((a, y) => a + y, 0) / ys.length));
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

/** The tuning rows' standardised scene features with `components` principal axes of the embedding. */
function featuresWith(rows: readonly TuningRow[], components: number) {
  const pca = fitPca(
    rows.map((r) => rootEmbedding(r.evidence.embedding)),
    components,
  );
  const raw = rows.map((r) => sceneFeatures(r.evidence, pca));
  const { mean, sd } = standardisation(raw);
  const xs = raw.map((x) => x.map((v, j) => (v - mean[j]!) / sd[j]!));
  return { pca, mean, sd, xs };
}

/** Per label: the feature set and λ with the lowest 4-fold CV log-loss. */
function bestFit(xs: number[][], ys: number[]) {
  const scored = FEATURE_SETS.flatMap((set) =>
    LAMBDAS.map((lambda) => ({ set, lambda, loss: crossValidated(columnsOf(xs, set), ys, lambda) })),
  );
  return scored.reduce((a, b) => (b.loss < a.loss ? b : a));
}

const targetsOf = (rows: readonly TuningRow[], target: string) =>
  rows.map((r) => (matchesExpected(target, r.expected) ? 1 : 0));

/** The component count whose best per-label fits have the lowest mean CV log-loss over SCENE_TARGETS. */
function chooseComponents(rows: readonly TuningRow[]): number {
  const scored = COMPONENT_CHOICES.map((components) => {
    const { xs } = featuresWith(rows, components);
    const losses = Object.keys(SCENE_TARGETS).map((t) => bestFit(xs, targetsOf(rows, t)).loss);
    return { components, loss: losses.reduce((a, b) => a + b, 0) / losses.length };
  });
  console.error(
    scored.map((s) => `${s.components} components: mean CV log-loss ${s.loss.toFixed(4)}`).join('; '),
  );
  return scored.reduce((a, b) => (b.loss < a.loss ? b : a)).components;
}

async function main(): Promise<void> {
  const rows = await tuningRows();
  const COMPONENTS = chooseComponents(rows);
  const { pca, mean, sd, xs } = featuresWith(rows, COMPONENTS);
  const names = sceneFeatureNames(COMPONENTS);
  const models: Record<string, { weights: number[]; parents: string[] }> = {};
  const chosen: Record<string, { lambda: number; features: string }> = {};
  const targets = { ...SCENE_TARGETS, ...CANDIDATE_TARGETS };
  for (const [target, parents] of Object.entries(targets)) {
    const ys = targetsOf(rows, target);
    const positives = ys.filter(Boolean).length;
    const best = bestFit(xs, ys);
    const prior = baseRateLoss(ys);
    const candidate = !(target in SCENE_TARGETS);
    const kept = !candidate || (positives >= MIN_POSITIVES && best.loss <= MAX_LOSS_RATIO * prior);
    console.error(
      `${target}: ${positives}/${ys.length} positive; ${best.set} λ ${best.lambda} (CV log-loss ${best.loss.toFixed(3)}, base rate ${prior.toFixed(3)})${kept ? '' : ' — not kept'}`,
    );
    if (!kept) continue;
    chosen[target] = { lambda: best.lambda, features: best.set };
    models[target] = {
      weights: fitOnSet(xs, ys, best.lambda, best.set).map((v) => Math.round(v * 1000) / 1000),
      parents,
    };
  }
  const round = (v: number) => Math.round(v * 10000) / 10000;
  await writeFile(
    OUT('embedding-projection.ts'),
    `/**
 * The CNN embedding's principal axes (embedding-features.ts), fitted on the evaluation's tuning half
 * only by scripts/eval/fit-scene.ts (${rows.length} photos, ${COMPONENTS} components of the square-rooted
 * embedding): float32 mean and int8 axes with a scale each, base64. Generated: re-run the script.
 */
export const EMBEDDING_PROJECTION = ${JSON.stringify(encodeProjection(pca), null, 2)} as const;
`,
  );
  await writeFile(
    OUT('scene-model.ts'),
    `/**
 * The offline scene model: one logistic regression per coarse label over sceneFeatures(), fitted on
 * the evaluation's tuning half only by scripts/eval/fit-scene.ts (${rows.length} photos, ${names.length} standardised
 * features: ${names.length - COMPONENTS} hand-made and ${COMPONENTS} embedding components). Per label, the feature set (hand,
 * embedding or both) and L2 strength with the best 4-fold cross-validated log-loss within the tuning
 * half. Generated: re-run the script rather than editing the numbers.
 */
export const SCENE_MODEL = {
  chosen: ${JSON.stringify(chosen)},
  mean: ${JSON.stringify(mean.map(round))},
  sd: ${JSON.stringify(sd.map(round))},
  /** Per label: [bias, ...weights in sceneFeatureNames() order], and the parents the label implies. */
  labels: {
${Object.entries(models)
  .map(
    ([t, m]) =>
      `    ${JSON.stringify(t)}: { weights: ${JSON.stringify(m.weights)}, parents: ${JSON.stringify(m.parents)} },`,
  )
  .join('\n')}
  },
} as const;
`,
  );
}

await main();
