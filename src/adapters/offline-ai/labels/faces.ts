/**
 * Faces become Person and Face, and Portrait when the face fills the frame. Age and gender are not
 * reported: on the fixture portraits the age model was off by decades and gender was wrong on one of
 * three. Smile is reported below the default filter: right on 2 of 2 smiling faces, too few to trust.
 */
import type { Label } from '../../../core/domain.js';
import { interpolate, round1 } from './calibration.js';
import type { HumanFace } from './human-runtime.js';

/** Detector box score → confidence; true faces scored 0.74–0.91, a false one (rocket) 0.36. */
const FACE_ANCHORS: [number, number][] = [
  [0.5, 55],
  [0.6, 72],
  [0.7, 88],
  [0.85, 96],
  [1, 99],
];
/** A face covering this fraction of the photo makes it a portrait (head-and-shoulders framing). */
const PORTRAIT_MIN_FACE_AREA = 0.04;
const SMILE_MIN_HAPPY = 0.8;
const SMILE_MAX_CONFIDENCE = 75;

export function labelsFromFaces(faces: readonly HumanFace[]): Label[] {
  const best = [...faces].sort((a, b) => b.boxScore - a.boxScore)[0];
  if (!best || best.boxScore < 0.5) return [];
  const confidence = round1(interpolate(FACE_ANCHORS, best.boxScore));
  const labels: Label[] = [
    { name: 'Person', confidence },
    { name: 'Face', confidence, parents: ['Head', 'Person'] },
  ];
  const largest = Math.max(...faces.map((face) => face.boxRaw[2] * face.boxRaw[3]));
  if (largest >= PORTRAIT_MIN_FACE_AREA) {
    labels.push({
      name: 'Portrait',
      confidence: round1(confidence - 4),
      parents: ['Face', 'Head', 'Person', 'Photography'],
    });
  }
  const happy = best.emotion?.find((e) => e.emotion === 'happy')?.score ?? 0;
  if (happy >= SMILE_MIN_HAPPY) {
    labels.push({
      name: 'Smile',
      confidence: round1(Math.min(SMILE_MAX_CONFIDENCE, 60 + 15 * happy)),
      parents: ['Face', 'Head', 'Person'],
    });
  }
  return labels;
}
