/**
 * Labels inferred from other labels, as Rekognition adds Outdoors or Nature next to Sky: each one is
 * given slightly less confidence than the evidence it rests on.
 */
import type { Label } from '../../../core/domain.js';
import type { DetectedObject } from './objects.js';

const MAN_MADE_PARENTS = new Set(['Vehicle', 'Furniture', 'Electronics', 'Appliance', 'Cutlery']);

export function contextLabels(
  scene: readonly Label[],
  objects: readonly DetectedObject[],
  hasPerson: boolean,
): Label[] {
  const labels: Label[] = [];
  const sky = scene.find((l) => l.name === 'Sky')?.confidence ?? 0;
  const vegetation = scene.find((l) => l.name === 'Vegetation')?.confidence ?? 0;
  const dusk = scene.find((l) => l.name === 'Dusk')?.confidence ?? 0;
  const outdoorObject = Math.max(0, ...objects.filter((o) => o.outdoor).map((o) => o.label.confidence));

  const outdoors = Math.max(sky - 2, dusk - 2, vegetation - 4, outdoorObject - 4);
  if (outdoors > 50) labels.push({ name: 'Outdoors', confidence: outdoors });

  const manMade = objects.some(
    (o) => o.label.confidence >= 60 && (o.label.parents ?? []).some((p) => MAN_MADE_PARENTS.has(p)),
  );
  if (!manMade && !hasPerson) {
    // Vegetation filling the frame is nature; a blue sky alone is not (castles and lighthouses have one too).
    const nature = Math.max(vegetation - 3, Math.min(sky - 10, 74));
    if (nature > 50) labels.push({ name: 'Nature', confidence: nature });
    const bigSubject = objects.some((o) => o.largestArea > 0.1 && o.label.confidence >= 60);
    if (sky > 0 && !bigSubject)
      labels.push({ name: 'Landscape', confidence: Math.min(sky - 12, 72), parents: ['Nature', 'Outdoors'] });
  }
  return labels;
}
