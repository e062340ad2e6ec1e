/**
 * The local label detector (`PHAROS_LABELS=local`): COCO objects and faces from @vladmandic/human on
 * tfjs-wasm, plus scene attributes measured from the pixels, in Rekognition's label style.
 */
import type { DetectedLabels, Label } from '../../../core/domain.js';
import type { CallOptions, ImageInput, LabelDetector } from '../../../core/ports/index.js';
import { contextLabels } from './context.js';
import { decodeRgb, MODEL_INPUT_SIDE } from './decode.js';
import { labelsFromFaces } from './faces.js';
import { HUMAN_VERSION, MODELS_USED, runHuman } from './human-runtime.js';
import { mergeLabels } from './merge.js';
import { labelsFromObjects } from './objects.js';
import { measurePixels } from './pixel-stats.js';
import { labelsFromPixels } from './scene.js';
import { measureTexture } from './texture.js';

export interface LocalLabelDetectorOptions {
  /** Drop labels below this confidence before returning (the core filters again with its own policy). */
  minConfidence?: number;
  /** Longest side the photo is reduced to before the models see it. */
  inputSide?: number;
}

export { getHuman as warmUpLocalLabelModels } from './human-runtime.js';

export function createLocalLabelDetector(options: LocalLabelDetectorOptions = {}): LabelDetector {
  const minConfidence = options.minConfidence ?? 50;
  const inputSide = options.inputSide ?? MODEL_INPUT_SIDE;
  return {
    name: 'local',
    async detect(image: ImageInput, call: CallOptions): Promise<DetectedLabels> {
      call.signal.throwIfAborted();
      const rgb = await decodeRgb(await image.bytes(), inputSide);
      call.signal.throwIfAborted();
      const found = await runHuman(rgb.data, rgb.width, rgb.height);
      const objects = labelsFromObjects(found.object);
      const faces = labelsFromFaces(found.face);
      const scene = labelsFromPixels(measurePixels(rgb), measureTexture(rgb));
      const hasPerson =
        faces.length > 0 || objects.some((o) => o.label.name === 'Person' && o.label.confidence >= 60);
      const labels: Label[] = mergeLabels(
        objects.map((o) => o.label),
        faces,
        scene,
        contextLabels(scene, objects, hasPerson),
      ).filter((label) => label.confidence >= minConfidence);
      return { labels, provenance: { provider: 'local', model: MODELS_USED, version: HUMAN_VERSION } };
    },
  };
}
