/**
 * The core's tag normaliser, applied to every describer's tags (local, OpenAI-compatible, Bedrock…):
 * one spelling per tag, no filler words. Two tags are the same tag when they differ only in case,
 * hyphens, spacing or an English plural ("outdoor"/"outdoors", "black and white"/"black-and-white");
 * the first one given wins, so a describer's order (most important first) is kept.
 */

/** Words that are true of every upload and so tell a user nothing. */
export const FILLER_TAGS: ReadonlySet<string> = new Set([
  'photo',
  'photos',
  'photograph',
  'photography',
  'image',
  'images',
  'picture',
  'pic',
  'img',
  'stock photo',
  'snapshot',
]);

/** Plurals that the simple rules below would get wrong, mapped to their singular. */
const IRREGULAR: Readonly<Record<string, string>> = {
  people: 'person',
  men: 'man',
  women: 'woman',
  children: 'child',
  leaves: 'leaf',
  geese: 'goose',
  mice: 'mouse',
  teeth: 'tooth',
  feet: 'foot',
  // Adverbs, yet the same tag as the adjective a describer may give instead.
  outdoors: 'outdoor',
  indoors: 'indoor',
};

/** Words ending in s that are not plurals (grass, bus, iris, electronics, clothes, news). */
const NOT_PLURAL = /(ss|us|is|ics|ous|clothes|news|series|species)$/;

function singular(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length <= 3 || NOT_PLURAL.test(word)) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|xes|sses|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('oes')) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** The identity of a tag: lowercase, words singular, hyphens and spaces removed. */
export function tagKey(tag: string): string {
  return tag
    .toLowerCase()
    .split(/[\s-]+/)
    .filter(Boolean)
    .map(singular)
    .join('');
}

export function isFillerTag(tag: string): boolean {
  return FILLER_TAGS.has(tag.toLowerCase());
}

/** Removes fillers and later spellings of an earlier tag; keeps the order of the rest. */
export function dedupeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const tag of tags) {
    if (isFillerTag(tag)) continue;
    const key = tagKey(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(tag);
  }
  return result;
}
