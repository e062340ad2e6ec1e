/**
 * Finds things a caption names that no returned label supports. The lexicon is every thing-word the
 * evaluation knows (detector vocabulary, manifest labels, the synonym table); a caption word in it
 * must be backed by a label's name, a synonym of it, or one of the label's parents.
 */
import type { Label } from '../../src/core/domain.js';
import { COCO_TAXONOMY } from '../../src/adapters/offline-ai/labels/coco-taxonomy.js';
import { equivalentWords, normaliseWord } from './synonyms.js';

/** Words that describe how a photo looks, not what is in it. */
const NOT_THINGS = new Set(
  [
    'close up',
    'blue',
    'green',
    'dark',
    'poor quality',
    'low resolution',
    'blurry',
    'noisy',
    'noise',
    'defocus',
    'underexposed',
    'bokeh',
    'shallow depth of field',
    'elderly',
    'military',
    'reflection',
    'mist',
    'fog',
    'light',
  ].map(normaliseWord),
);

export function buildLexicon(extraWords: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const entry of Object.values(COCO_TAXONOMY)) {
    words.add(normaliseWord(entry.name));
    for (const parent of entry.parents) words.add(normaliseWord(parent));
  }
  for (const word of extraWords) words.add(normaliseWord(word));
  for (const word of NOT_THINGS) words.delete(word);
  return words;
}

function supportedWords(labels: readonly Label[]): Set<string> {
  const supported = new Set<string>();
  for (const label of labels) {
    for (const word of [label.name, ...(label.parents ?? [])])
      for (const w of equivalentWords(word)) supported.add(w);
  }
  return supported;
}

function plainText(caption: string): string {
  return ` ${caption
    .toLowerCase()
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')} `;
}

function mentions(text: string, word: string): boolean {
  return text.includes(` ${word} `) || text.includes(` ${word}s `) || text.includes(` ${word}es `);
}

export function absentObjects(
  caption: string,
  labels: readonly Label[],
  lexicon: ReadonlySet<string>,
): string[] {
  const supported = supportedWords(labels);
  // Blank out supported phrases first, longest first, so "hot dog" does not count as a "dog".
  let text = plainText(caption);
  for (const phrase of [...supported].sort((a, b) => b.length - a.length)) {
    for (const form of [phrase, `${phrase}s`, `${phrase}es`]) text = text.split(` ${form} `).join('  ');
  }
  return [...lexicon].filter((word) => mentions(text, word) && !supported.has(word));
}
