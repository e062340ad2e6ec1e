/** Tags: each label's noun and true synonyms first, then the labels' parent categories, normalised. */
import type { Label } from '../../../core/domain.js';
import { normaliseTags, TAG_RULES } from '../../../core/policies.js';
import { lookUp } from './vocabulary.js';

const MIN_TAGS = 3;
/** Kinds whose name is true of every member (a cup is not food, so 'food' is not here). */
const TRUE_KIND_TAGS = new Set<string>(['animal', 'vehicle', 'plant']);

export function composeTags(labels: readonly Label[]): string[] {
  const direct: string[] = [];
  for (const label of labels) {
    const entry = lookUp(label.name);
    direct.push(label.name, ...(entry.synonyms ?? []));
  }
  const parents = labels.flatMap((label) => label.parents ?? []);
  const tags = normaliseTags([...direct, ...parents]);
  // One weak label still deserves a few tags: add its kind, true by construction.
  if (labels.length > 0 && tags.length < MIN_TAGS) {
    const kinds = labels.map((label) => lookUp(label.name).kind).filter((kind) => TRUE_KIND_TAGS.has(kind));
    return normaliseTags([...tags, ...kinds]).slice(0, TAG_RULES.maxTags);
  }
  return tags;
}
