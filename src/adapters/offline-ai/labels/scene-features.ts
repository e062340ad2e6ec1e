/**
 * The feature vector the scene model reads: pixel and texture statistics, the detector's strongest
 * evidence for a few kinds of object, then the CNN embedding's principal components. Plain numbers,
 * the same at fitting (scripts/eval/fit-scene.ts) and at run time.
 */
import { committedProjection, projectEmbedding, type EmbeddingProjection } from './embedding-features.js';
import type { HumanFace, HumanObject } from './human-runtime.js';
import type { PixelStats } from './pixel-stats.js';
import type { TextureStats } from './texture.js';

const INDOOR_CLASSES = new Set([
  'chair',
  'couch',
  'bed',
  'dining table',
  'tv',
  'laptop',
  'toilet',
  'sink',
  'refrigerator',
  'oven',
  'microwave',
  'book',
  'clock',
  'vase',
  'cup',
  'bottle',
  'wine glass',
  'potted plant',
]);
const OUTDOOR_CLASSES = new Set([
  'car',
  'bus',
  'truck',
  'boat',
  'bicycle',
  'motorcycle',
  'airplane',
  'traffic light',
  'stop sign',
  'bench',
  'kite',
  'horse',
  'sheep',
  'cow',
]);

/** The hand-made features, measured from the pixels and the detector's output. */
export const HAND_FEATURES = [
  'blueTop',
  'smoothTop',
  'green',
  'meanBrightness',
  'meanSaturation',
  'colourless',
  'dark',
  'blueCast',
  'topMedianValue',
  'bright',
  'marks',
  'noise',
  'centreSharpness',
  'horizontality',
  'person',
  'face',
  'indoorObject',
  'outdoorObject',
] as const;

/** Every feature's name, in the order of the scene model's weights: the hand-made ones, then the embedding's. */
export function sceneFeatureNames(components = committedProjection().components.length): string[] {
  return [...HAND_FEATURES, ...Array.from({ length: components }, (_, i) => `embedding${i + 1}`)];
}

/** What sceneFeatures reads: the label evidence (index.ts) has these fields. */
export interface SceneInputs {
  pixels: PixelStats;
  texture: TextureStats;
  objects: readonly HumanObject[];
  faces: readonly HumanFace[];
  embedding: readonly number[];
}

export function sceneFeatures(inputs: SceneInputs, projection?: EmbeddingProjection): number[] {
  return [...handFeatures(inputs), ...projectEmbedding(inputs.embedding, projection)];
}

function handFeatures({ pixels, texture, objects, faces }: SceneInputs): number[] {
  const strongest = (keep: (label: string) => boolean) =>
    Math.max(0, ...objects.filter((o) => keep(o.label)).map((o) => o.score));
  const values: Record<(typeof HAND_FEATURES)[number], number> = {
    blueTop: pixels.blueTop,
    smoothTop: pixels.smoothTop,
    green: pixels.green,
    meanBrightness: pixels.meanBrightness,
    meanSaturation: pixels.meanSaturation,
    colourless: pixels.colourless,
    dark: pixels.dark,
    blueCast: pixels.blueCast,
    topMedianValue: pixels.topMedianValue,
    bright: pixels.bright,
    marks: pixels.marks,
    noise: Math.log1p(texture.noise),
    centreSharpness: Math.log(Math.max(0.05, texture.centreSharpness)),
    horizontality: Math.log(Math.max(0.05, texture.horizontality)),
    person: strongest((l) => l === 'person'),
    face: Math.max(0, ...faces.map((f) => f.boxScore)),
    indoorObject: strongest((l) => INDOOR_CLASSES.has(l)),
    outdoorObject: strongest((l) => OUTDOOR_CLASSES.has(l)),
  };
  return HAND_FEATURES.map((name) => values[name]);
}
