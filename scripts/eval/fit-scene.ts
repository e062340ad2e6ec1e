/**
 * `npx tsx scripts/eval/fit-scene.ts`: fits the offline scene model (one L2-regularised logistic
 * regression per coarse label) on the TUNING half of the evaluation set only, from the measurements
 * `npm run eval` cached, and prints src/adapters/offline-ai/labels/scene-model.ts. Run `npm run eval`
 * first; the validation half is never read here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherLabelEvidence, type LabelEvidence } from '../../src/adapters/offline-ai/labels/index.js';
import { SCENE_FEATURES, sceneFeatures } from '../../src/adapters/offline-ai/labels/scene-features.js';
import { cached } from './cache.js';
import { readManifest } from './manifest.js';
import { halfOf } from './split.js';
import { crossValidated, fit } from './logistic.js';
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
/** Regularisation strengths tried; each label takes the one with the best 4-fold cross-validated log-loss. */
const LAMBDAS = [0.3, 1, 3, 10, 30, 100];

async function main(): Promise<void> {
  const folder = 'eval';
  const manifest = await readManifest(folder);
  const rows: { x: number[]; expected: string[] }[] = [];
  for (const [file, entry] of manifest) {
    if (halfOf(file) !== 'tuning') continue;
    const bytes = new Uint8Array(await readFile(join(folder, 'photos', file)));
    const e = await cached<LabelEvidence>('labels', bytes, false, () => gatherLabelEvidence(bytes));
    rows.push({ x: sceneFeatures(e.pixels, e.texture, e.objects, e.faces), expected: entry.expectedLabels });
  }
  const n = SCENE_FEATURES.length;
  const mean = SCENE_FEATURES.map((_, j) => rows.reduce((a, r) => a + r.x[j]!, 0) / rows.length);
  const sd = SCENE_FEATURES.map((_, j) =>
    Math.max(1e-6, Math.sqrt(rows.reduce((a, r) => a + (r.x[j]! - mean[j]!) ** 2, 0) / rows.length)),
  );
  const xs = rows.map((r) => r.x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const models: Record<string, number[]> = {};
  const lambdas: Record<string, number> = {};
  for (const target of Object.keys(SCENE_TARGETS)) {
    const ys = rows.map((r) => (matchesExpected(target, r.expected) ? 1 : 0));
    const scored = LAMBDAS.map((lambda) => ({ lambda, loss: crossValidated(xs, ys, lambda) }));
    const best = scored.reduce((a, b) => (b.loss < a.loss ? b : a));
    lambdas[target] = best.lambda;
    models[target] = fit(xs, ys, best.lambda).map((v) => Math.round(v * 1000) / 1000);
    console.error(
      `${target}: ${ys.filter(Boolean).length}/${ys.length} positive; λ ${best.lambda} (CV log-loss ${best.loss.toFixed(3)})`,
    );
  }
  const round = (v: number) => Math.round(v * 10000) / 10000;
  console.log(`/**
 * The offline scene model: one logistic regression per coarse label over sceneFeatures(), fitted on
 * the evaluation's tuning half only by scripts/eval/fit-scene.ts (${rows.length} photos, ${n} standardised
 * features, L2 strength per label by 4-fold cross-validation within the tuning half:
 * ${JSON.stringify(lambdas)}). Generated: re-run the script rather than editing the numbers.
 */
export const SCENE_MODEL = {
  lambdas: ${JSON.stringify(lambdas)},
  mean: ${JSON.stringify(mean.map(round))},
  sd: ${JSON.stringify(sd.map(round))},
  /** Per label: [bias, ...weights in SCENE_FEATURES order], and the parents the label implies. */
  labels: {
${Object.entries(models)
  .map(
    ([t, w]) =>
      `    ${JSON.stringify(t)}: { weights: ${JSON.stringify(w)}, parents: ${JSON.stringify(SCENE_TARGETS[t])} },`,
  )
  .join('\n')}
  },
} as const;`);
}

await main();
