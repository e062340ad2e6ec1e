/** The local describer: grammatical, truthful captions and normalised tags from labels alone. */
import { describe, expect, it } from 'vitest';
import { COCO_TAXONOMY } from '../../src/adapters/offline-ai/labels/coco-taxonomy.js';
import { createLocalDescriber, describeLabels } from '../../src/adapters/offline-ai/describer/index.js';
import { EMPTY_CAPTION } from '../../src/adapters/offline-ai/describer/caption.js';
import type { Label } from '../../src/core/domain.js';
import { normaliseTags, TAG_RULES } from '../../src/core/policies.js';
import { absentObjects, buildLexicon } from '../../scripts/eval/absent-objects.js';

const SCENE_NAMES = [
  'Sky',
  'Outdoors',
  'Nature',
  'Landscape',
  'Vegetation',
  'Plant',
  'Black and White',
  'Monochrome',
  'Dark',
  'Face',
  'Portrait',
  'Smile',
  'Sea',
  'Beach',
  'Forest',
  'Grass',
  'Sunset',
  'Night',
  'Lighthouse',
  'Tower',
  'Building',
  'Castle',
  'Woman',
  'Man',
  'Dusk',
  'Water',
  'Noise',
  'Bokeh',
  'Document',
  'Fruit',
  'Text',
];
const POOL: Label[] = [
  ...Object.values(COCO_TAXONOMY).map((e) => ({
    name: e.name,
    confidence: 90,
    ...(e.parents.length ? { parents: e.parents } : {}),
  })),
  ...SCENE_NAMES.map((name) => ({ name, confidence: 90 })),
];
const lexicon = buildLexicon([...POOL.map((l) => l.name), ...POOL.flatMap((l) => l.parents ?? [])]);

/** Deterministic pseudo-random label sets, so a failure is reproducible. */
function labelSets(count: number): Label[][] {
  let seed = 42;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const size = 1 + Math.floor(next() * 8);
    const set = new Map<string, Label>();
    while (set.size < size) {
      const label = POOL[Math.floor(next() * POOL.length)] as Label;
      set.set(label.name, { ...label, confidence: 80 + Math.round(next() * 199) / 10 });
    }
    return [...set.values()];
  });
}

describe('local describer', () => {
  const sets = labelSets(400);

  it('never names a thing that is not among the labels (400 random label sets)', () => {
    for (const labels of sets) {
      const { description } = describeLabels(labels);
      expect(
        absentObjects(description, labels, lexicon),
        `${description} ← ${labels.map((l) => l.name).join(', ')}`,
      ).toEqual([]);
    }
  });

  it('writes one capitalised sentence ending with a full stop', () => {
    for (const labels of sets) {
      const { description } = describeLabels(labels);
      expect(description).toMatch(/^[A-Z][^.!?]*\.$/);
      expect(description).not.toMatch(/\s{2}|\s[,.]| a [aeiou]| an [bcdfghjklmnpqrstvwxz]/i);
    }
  });

  it('returns 1–12 normalised tags for any non-empty label set, never padded with fillers', () => {
    for (const labels of sets) {
      const { tags } = describeLabels(labels);
      expect(tags.length).toBeGreaterThanOrEqual(1);
      expect(tags).not.toContain('photo');
      expect(tags).not.toContain('image');
      expect(tags.length).toBeLessThanOrEqual(TAG_RULES.maxTags);
      expect(normaliseTags(tags)).toEqual(tags);
    }
  });

  it('is deterministic and ignores label order', () => {
    for (const labels of sets.slice(0, 50)) {
      const once = describeLabels(labels);
      expect(describeLabels([...labels].reverse())).toEqual(once);
    }
  });

  it('varies the wording across kinds of subject', () => {
    const captions = [
      [{ name: 'Dog', confidence: 90 }],
      [{ name: 'Person', confidence: 90 }],
      [
        { name: 'Lighthouse', confidence: 90 },
        { name: 'Sky', confidence: 88 },
      ],
      [{ name: 'Car', confidence: 90 }],
      [{ name: 'Cup', confidence: 90 }],
      [{ name: 'Vegetation', confidence: 90 }],
    ].map((labels) => describeLabels(labels).description);
    expect(new Set(captions.map((c) => c.split(' ').slice(1, 4).join(' '))).size).toBe(captions.length);
  });

  it('adds true synonyms as tags', () => {
    expect(
      describeLabels([
        { name: 'Ocean', confidence: 90 },
        { name: 'Boat', confidence: 85 },
      ]).tags,
    ).toContain('sea');
    expect(describeLabels([{ name: 'Motorcycle', confidence: 90 }]).tags).toContain('motorbike');
  });

  it('puts the person first and keeps the setting', () => {
    const caption = describeLabels([
      { name: 'Car', confidence: 95 },
      { name: 'Person', confidence: 90 },
      { name: 'Sky', confidence: 85 },
    ]).description;
    expect(caption).toMatch(/^A person (is pictured|appears) with a car under an open sky\.$/);
  });

  it('gives plural-only nouns no article and a plural verb', () => {
    const caption = describeLabels([{ name: 'Scissors', confidence: 90 }]).description;
    expect(caption).toMatch(/^Scissors (are|appear)\b/);
    expect(caption).not.toMatch(/\ba scissors\b|scissors is\b/i);
  });

  it('speaks of image properties as such, never as things in the photo', () => {
    expect(describeLabels([{ name: 'Noise', confidence: 92 }]).description).toBe(
      'A grainy, noisy photo with no clearly recognisable subject.',
    );
    expect(describeLabels([{ name: 'Bokeh', confidence: 88 }]).description).toBe(
      'A sharply focused centre stands out against a blurred background.',
    );
    expect(
      describeLabels([
        { name: 'Cup', confidence: 90 },
        { name: 'Noise', confidence: 85 },
      ]).description,
    ).toMatch(/cup.*, with visible noise\.$/);
    expect(
      describeLabels([
        { name: 'Dusk', confidence: 84 },
        { name: 'Outdoors', confidence: 82 },
      ]).description,
    ).toBe('A scene at dusk.');
    expect(describeLabels([{ name: 'Dusk', confidence: 84 }]).tags).toContain('twilight');
  });

  it('says plainly when nothing was recognised, with no tags', async () => {
    const caption = await createLocalDescriber().describe(
      {
        labels: [],
        image: { bucket: 'b', key: 'k', contentType: 'image/jpeg', bytes: async () => new Uint8Array() },
      },
      { signal: new AbortController().signal },
    );
    expect(caption.description).toBe(EMPTY_CAPTION);
    expect(caption.tags).toEqual([]);
    expect(caption.provenance.provider).toBe('local');
  });
});
