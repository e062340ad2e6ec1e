/**
 * The local label detector (`PHAROS_LABELS=local`): COCO objects and faces from @vladmandic/human on
 * tfjs-wasm, scene attributes measured from the pixels, and scene labels from a model over those and
 * a CNN embedding (MobileNetV2 from nsfwjs, embedding.ts), in Rekognition's label style.
 * Two stages: `gatherLabelEvidence` runs the models and measures the pixels (slow, I/O and wasm);
 * `labelsFromEvidence` turns that evidence into labels (pure, fast: what the evaluation tunes).
 */
import type { DetectedLabels, Label } from '../../../core/domain.js';
import type { CallOptions, ImageInput, LabelDetector } from '../../../core/ports/index.js';
import { contextLabels } from './context.js';
import { decodeRgb, MODEL_INPUT_SIDE } from './decode.js';
import { EMBEDDING_MODEL, embed } from './embedding.js';
import { labelsFromFaces } from './faces.js';
import { humanVersion, MODELS_USED, runHuman, type HumanFace, type HumanObject } from './human-runtime.js';
import { mergeLabels } from './merge.js';
import { labelsFromObjects } from './objects.js';
import { measurePixels, type PixelStats } from './pixel-stats.js';
import { labelsFromPixels } from './scene.js';
import { sceneFeatures } from './scene-features.js';
import { type SceneModel, sceneModelLabels } from './scene-labels.js';
import { calibrateLabels, type CalibrationCurves } from './label-calibration.js';
import { measureTexture, type TextureStats } from './texture.js';

export interface LocalLabelDetectorOptions {
  /** Drop labels below this confidence before returning (the core filters again with its own policy). */
  minConfidence?: number;
  /** Longest side the photo is reduced to before the models see it. */
  inputSide?: number;
}

/** Everything the label rules look at, as plain JSON (so the evaluation can cache it). */
export interface LabelEvidence {
  objects: HumanObject[];
  faces: HumanFace[];
  pixels: PixelStats;
  texture: TextureStats;
  /** The CNN embedding (embedding.ts): 1280 pooled ImageNet features. */
  embedding: number[];
}

/** Loads Human and the embedding CNN (once per process; the embedding's load waits for Human's). */
export { getEmbeddingModel as warmUpLocalLabelModels } from './embedding.js';

export async function gatherLabelEvidence(
  bytes: Uint8Array,
  inputSide = MODEL_INPUT_SIDE,
  signal?: AbortSignal,
): Promise<LabelEvidence> {
  const rgb = await decodeRgb(bytes, inputSide);
  signal?.throwIfAborted();
  const found = await runHuman(rgb.data, rgb.width, rgb.height);
  signal?.throwIfAborted();
  const embedding = await embed(rgb.data, rgb.width, rgb.height);
  return {
    objects: found.object.map((o) => ({ score: o.score, label: o.label, boxRaw: o.boxRaw })),
    faces: found.face.map((f) => ({
      score: f.score,
      boxScore: f.boxScore,
      boxRaw: f.boxRaw,
      ...(f.emotion ? { emotion: f.emotion } : {}),
    })),
    pixels: measurePixels(rgb),
    texture: measureTexture(rgb),
    embedding,
  };
}

/** Where a label came from: each source's confidences are calibrated on their own (label-calibration.ts). */
export type LabelSource = 'object' | 'face' | 'pixel' | 'context' | 'scene';

/** Every source's labels, before calibration and merging (the evaluation fits the calibration on these). */
export function labelSources(evidence: LabelEvidence, scene?: SceneModel): Record<LabelSource, Label[]> {
  const objects = labelsFromObjects(evidence.objects);
  const faces = labelsFromFaces(evidence.faces);
  const pixel = labelsFromPixels(evidence.pixels, evidence.texture);
  const hasPerson =
    faces.length > 0 || objects.some((o) => o.label.name === 'Person' && o.label.confidence >= 60);
  return {
    object: objects.map((o) => o.label),
    face: faces,
    pixel,
    context: contextLabels(pixel, objects, hasPerson),
    scene: sceneModelLabels(sceneFeatures(evidence, scene?.projection), scene),
  };
}

/** The fitted parts, committed by default; the evaluation passes refits to score photos out of fold. */
export interface LabelModels {
  scene?: SceneModel;
  curves?: CalibrationCurves;
}

export function labelsFromEvidence(
  evidence: LabelEvidence,
  minConfidence = 50,
  models: LabelModels = {},
): Label[] {
  const sources = labelSources(evidence, models.scene);
  return mergeLabels(
    ...Object.entries(sources).map(([source, labels]) => calibrateLabels(source, labels, models.curves)),
  ).filter((label) => label.confidence >= minConfidence);
}

export function createLocalLabelDetector(options: LocalLabelDetectorOptions = {}): LabelDetector {
  const minConfidence = options.minConfidence ?? 50;
  const inputSide = options.inputSide ?? MODEL_INPUT_SIDE;
  return {
    name: 'local',
    async detect(image: ImageInput, call: CallOptions): Promise<DetectedLabels> {
      call.signal.throwIfAborted();
      const evidence = await gatherLabelEvidence(await image.bytes(), inputSide, call.signal);
      call.signal.throwIfAborted();
      return {
        labels: labelsFromEvidence(evidence, minConfidence),
        provenance: {
          provider: 'local',
          model: `${MODELS_USED}+${EMBEDDING_MODEL}`,
          version: humanVersion(),
        },
      };
    },
  };
}
