/** The evaluation's matching table: exact, synonym and parent matches, and nothing looser. */
import { describe, expect, it } from 'vitest';
import { matchesExpected } from '../../scripts/eval/synonyms.js';

describe('eval synonym table', () => {
  it('matches names, plurals, synonyms and parents', () => {
    expect(matchesExpected('Lighthouse', ['lighthouse'])).toBe(true);
    expect(matchesExpected('Tree', ['trees'])).toBe(true);
    expect(matchesExpected('Outdoors', ['outdoor'])).toBe(true);
    expect(matchesExpected('Sea', ['ocean'])).toBe(true);
    expect(matchesExpected('Animal', ['dog'])).toBe(true);
    expect(matchesExpected('Vehicle', ['truck'])).toBe(true);
  });

  it('does not match unrelated or merely co-occurring words', () => {
    expect(matchesExpected('Sky', ['outdoor'])).toBe(false);
    expect(matchesExpected('Dog', ['animal'])).toBe(false); // a child is not its parent
    expect(matchesExpected('Cow', ['sheep'])).toBe(false);
  });
});
