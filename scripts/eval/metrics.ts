/** Scores one photo's filtered labels against the manifest's expected labels. */
import type { Label } from '../../src/core/domain.js';
import { matchesExpected } from './synonyms.js';

export interface LabelScore {
  top3Hit: boolean;
  correct: number;
  returned: number;
  wrong: string[];
}

export function scoreLabels(filtered: readonly Label[], expected: readonly string[]): LabelScore {
  const wrong = filtered.filter((l) => !matchesExpected(l.name, expected)).map((l) => l.name);
  return {
    top3Hit: filtered.slice(0, 3).some((l) => matchesExpected(l.name, expected)),
    correct: filtered.length - wrong.length,
    returned: filtered.length,
    wrong,
  };
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}
