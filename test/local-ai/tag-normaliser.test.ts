import { describe, expect, it } from 'vitest';
import { describeLabels } from '../../src/adapters/offline-ai/describer/index.js';
import { normaliseCaption, normaliseTags } from '../../src/core/policies.js';
import { dedupeTags, tagKey } from '../../src/core/tags.js';

describe('the core tag normaliser', () => {
  it('drops filler words that are true of every upload', () => {
    expect(normaliseTags(['photo', 'Lighthouse', 'image', 'picture', 'photography', 'sky'])).toEqual([
      'lighthouse',
      'sky',
    ]);
  });

  it('keeps one spelling of plural, hyphen and spacing variants, the first given', () => {
    expect(
      normaliseTags([
        'outdoor',
        'outdoors',
        'black and white',
        'black-and-white',
        'Trees',
        'tree',
        'sea shell',
        'seashell',
        'berries',
        'berry',
        'boxes',
        'box',
        'people',
        'person',
      ]),
    ).toEqual(['outdoor', 'black and white', 'trees', 'sea shell', 'berries', 'boxes', 'people']);
  });

  it('does not merge words that only look like plurals', () => {
    expect(normaliseTags(['grass', 'glass', 'bus', 'electronics', 'news'])).toEqual([
      'grass',
      'glass',
      'bus',
      'electronics',
      'news',
    ]);
    expect(tagKey('grass')).not.toBe(tagKey('gras'));
  });

  it('still applies the length, character and count rules', () => {
    const many = Array.from({ length: 20 }, (_, i) => `tag ${String.fromCharCode(97 + i)}`);
    expect(normaliseTags(['a', 'x'.repeat(40), '#hash', ...many])).toHaveLength(12);
    expect(normaliseTags(['a', 'x'.repeat(40), '#hash', 'ok'])).toEqual(['ok']);
  });

  it('is what every describer goes through: an OpenAI-style caption is cleaned the same way', () => {
    const caption = normaliseCaption({
      description: 'A lighthouse.',
      tags: ['Photo', 'lighthouse', 'Lighthouses', 'outdoors', 'Outdoor', 'sunset'],
      provenance: { provider: 'openai', model: 'test', version: '1' },
    });
    expect(caption.tags).toEqual(['lighthouse', 'outdoors', 'sunset']);
    expect(dedupeTags(['image', 'cat', 'cats'])).toEqual(['cat']);
  });

  it('leaves the local describer with no filler and no near-duplicate tags', () => {
    const caption = describeLabels([
      { name: 'Outdoors', confidence: 90 },
      { name: 'Sky', confidence: 88, parents: ['Outdoors', 'Nature'] },
    ]);
    expect(caption.tags).not.toContain('photo');
    expect(caption.tags).not.toContain('image');
    const keys = caption.tags.map(tagKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
