/**
 * The feature vector the scene model reads: pixel and texture statistics plus the detector's strongest
 * evidence for a few kinds of object. Plain numbers, the same at fitting (scripts/eval/fit-scene.ts)
 * and at run time.
 */
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

export const SCENE_FEATURES = [
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

export function sceneFeatures(
  pixels: PixelStats,
  texture: TextureStats,
  objects: readonly HumanObject[],
  faces: readonly HumanFace[],
): number[] {
  const strongest = (keep: (label: string) => boolean) =>
    Math.max(0, ...objects.filter((o) => keep(o.label)).map((o) => o.score));
  const values: Record<(typeof SCENE_FEATURES)[number], number> = {
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
  return SCENE_FEATURES.map((name) => values[name]);
}
