/** Small English helpers: articles, lists, verb agreement, a stable choice among phrasings. */
import type { WordEntry } from './vocabulary.js';

export function withArticle(entry: WordEntry): string {
  if (entry.uncountable) return entry.noun;
  return `${/^[aeiou]/i.test(entry.noun) ? 'an' : 'a'} ${entry.noun}`;
}

/** 'is' for "a dog", 'are' for plural-invariant nouns such as "sheep". */
export function toBe(entry: WordEntry): string {
  return entry.uncountable ? 'are' : 'is';
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Same labels → same phrasing; different photos → different phrasings (FNV-1a over the names). */
export function stableChoice<T>(options: readonly T[], seed: string): T {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const choice = options[hash % options.length];
  if (choice === undefined) throw new Error('stableChoice needs at least one option');
  return choice;
}
