/**
 * Coarse scene labels (Outdoors, Indoors, Sky, Plant, Water, Tree, Animal, Text…) from the scene
 * model: every photo gets its probability for each, and those above one half become labels with that
 * probability as confidence (a label given 90 should be right about 9 times in 10).
 */
import type { Label } from '../../../core/domain.js';
import { round1 } from './calibration.js';
import type { EmbeddingProjection } from './embedding-features.js';
import { SCENE_MODEL } from './scene-model.js';

const MIN_PROBABILITY = 0.5;
/** The model saw 167 photos: never claim more certainty than that supports. */
const MAX_CONFIDENCE = 95;

/** The scene model's shape; the evaluation passes models refitted without a fold to calibrate honestly. */
export interface SceneModel {
  mean: readonly number[];
  sd: readonly number[];
  /** The embedding's principal axes this model was fitted with; the committed ones when absent. */
  projection?: EmbeddingProjection;
  labels: Readonly<Record<string, { weights: readonly number[]; parents: readonly string[] }>>;
}

export function sceneModelLabels(features: readonly number[], scene: SceneModel = SCENE_MODEL): Label[] {
  const z = features.map((v, j) => (v - (scene.mean[j] ?? 0)) / (scene.sd[j] ?? 1));
  const labels: Label[] = [];
  for (const [name, model] of Object.entries(scene.labels)) {
    const [bias = 0, ...weights] = model.weights;
    const logit = weights.reduce((sum, w, j) => sum + w * (z[j] ?? 0), bias);
    const p = 1 / (1 + Math.exp(-logit));
    if (p < MIN_PROBABILITY) continue;
    labels.push({
      name,
      confidence: round1(Math.min(MAX_CONFIDENCE, 100 * p)),
      ...(model.parents.length ? { parents: [...model.parents] } : {}),
    });
  }
  return labels;
}
