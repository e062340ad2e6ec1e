/**
 * Maps raw model scores to Rekognition-style confidences (0–100) so that the default filter (≥ 80)
 * keeps mostly right answers. Anchors come from centernet on the fixture photos: every wrong class
 * scored ≤ 0.36 there, and right ones mostly ≥ 0.4 (see the report / `npm run eval`).
 */
const OBJECT_ANCHORS: [raw: number, confidence: number][] = [
  [0, 0],
  [0.2, 40],
  [0.3, 62],
  [0.4, 80],
  [0.5, 88],
  [0.6, 93],
  [0.75, 97],
  [1, 99],
];

export function interpolate(anchors: readonly [number, number][], x: number): number {
  const first = anchors[0];
  const last = anchors[anchors.length - 1];
  if (!first || !last) return 0;
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < anchors.length; i++) {
    const [x1, y1] = anchors[i] as [number, number];
    const [x0, y0] = anchors[i - 1] as [number, number];
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
  }
  return last[1];
}

export function objectConfidence(rawScore: number): number {
  return round1(interpolate(OBJECT_ANCHORS, rawScore));
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
