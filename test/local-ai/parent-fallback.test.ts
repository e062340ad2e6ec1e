import { describe, expect, it } from 'vitest';
import type { HumanObject } from '../../src/adapters/offline-ai/labels/human-runtime.js';
import { labelsFromObjects } from '../../src/adapters/offline-ai/labels/objects.js';
import { filterLabels } from '../../src/core/policies.js';

const box: [number, number, number, number] = [0.2, 0.2, 0.5, 0.5];
const detection = (label: string, score: number): HumanObject => ({ label, score, boxRaw: box });
const shown = (objects: HumanObject[]) =>
  filterLabels(labelsFromObjects(objects).map((o) => o.label)).map((l) => l.name);

describe('parent-class fallback for look-alike detector classes', () => {
  it('names the animal, not the guessed class, when the evidence for a cat or a dog is weak', () => {
    for (const cls of ['cat', 'dog']) {
      const names = shown([detection(cls, 0.38)]);
      expect(names, cls).toEqual(['Animal']);
    }
  });

  it('keeps the class when the detector is sure, with the parent alongside', () => {
    const names = shown([detection('dog', 0.55)]);
    expect(names).toContain('Dog');
    expect(names).toContain('Animal');
  });

  it('falls back from a weak bird to Animal and from a weak airplane to Aircraft', () => {
    expect(shown([detection('bird', 0.39)])).toEqual(['Animal']);
    const aircraft = labelsFromObjects([detection('airplane', 0.4)]).map((o) => o.label);
    expect(aircraft.find((l) => l.name === 'Airplane')?.confidence).toBeLessThan(80);
    expect(aircraft.find((l) => l.name === 'Aircraft')?.confidence).toBeGreaterThanOrEqual(80);
  });

  it('claims nothing when even the parent is unlikely', () => {
    expect(shown([detection('bird', 0.25)])).toEqual([]);
    expect(labelsFromObjects([detection('bird', 0.25)]).some((o) => o.label.name === 'Animal')).toBe(false);
  });

  it('leaves classes without look-alikes alone', () => {
    const labels = labelsFromObjects([detection('car', 0.38)]).map((o) => o.label);
    expect(labels.map((l) => l.name)).toEqual(['Car']);
  });
});
