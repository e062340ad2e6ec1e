/**
 * The evaluation's own check of tags, independent of the core's normaliser it judges: filler words
 * that say nothing about the photo, and pairs of tags that are one word spelled two ways.
 */
const FILLERS = new Set(['photo', 'photograph', 'photography', 'image', 'picture', 'pic', 'img', 'stock']);

function key(tag: string): string {
  const flat = tag.toLowerCase().replace(/[-\s]+/g, '');
  if (flat.endsWith('ies') && flat.length > 4) return `${flat.slice(0, -3)}y`;
  if (flat.endsWith('es') && /(s|x|ch|sh)es$/.test(flat)) return flat.slice(0, -2);
  if (flat.endsWith('s') && !flat.endsWith('ss') && flat.length > 3) return flat.slice(0, -1);
  return flat;
}

export interface TagProblems {
  fillers: string[];
  nearDuplicates: string[];
}

export function tagProblems(tags: readonly string[]): TagProblems {
  const fillers = tags.filter((t) => FILLERS.has(t.toLowerCase()));
  const seen = new Map<string, string>();
  const nearDuplicates: string[] = [];
  for (const tag of tags) {
    const k = key(tag);
    const first = seen.get(k);
    if (first !== undefined) nearDuplicates.push(`${first} + ${tag}`);
    else seen.set(k, tag);
  }
  return { fillers, nearDuplicates };
}
