/**
 * The one table the evaluation uses to decide whether a returned label matches an expected one.
 * A returned label counts when it IS an expected label (ignoring case and a plural -s), a true
 * SYNONYM of one (same thing, other word), or a PARENT of one (a category the expected thing belongs
 * to: Animal for dog). Kept deliberately strict: "sky" is not a synonym of "outdoor".
 */

/** Groups of words that name the same thing. */
const SYNONYM_GROUPS: string[][] = [
  ['outdoors', 'outdoor', 'outside'],
  ['indoors', 'indoor', 'inside'],
  ['sea', 'ocean'],
  ['person', 'people', 'human'],
  ['motorcycle', 'motorbike'],
  ['bicycle', 'bike'],
  ['car', 'automobile'],
  ['black and white', 'grayscale', 'monochrome'],
  ['forest', 'woods'],
  ['path', 'trail'],
  ['castle', 'chateau'],
  ['dark', 'low light'],
  ['dusk', 'twilight'],
  ['plant', 'vegetation'],
  ['airplane', 'aeroplane'],
  ['television', 'tv'],
  ['mobile phone', 'cell phone'],
];

/** Child → its parent categories (Rekognition-style). Only true "is a" / "is part of" relations. */
const PARENTS: Record<string, string[]> = {
  dog: ['animal', 'mammal', 'pet', 'canine'],
  cat: ['animal', 'mammal', 'pet'],
  horse: ['animal', 'mammal'],
  sheep: ['animal', 'mammal', 'livestock'],
  cow: ['animal', 'mammal', 'livestock', 'cattle'],
  jellyfish: ['animal', 'marine life'],
  man: ['person', 'adult'],
  woman: ['person', 'adult'],
  astronaut: ['person'],
  photographer: ['person'],
  portrait: ['face', 'head', 'person', 'photography'],
  face: ['head', 'person'],
  bicycle: ['vehicle', 'transportation'],
  car: ['vehicle', 'transportation'],
  truck: ['vehicle', 'transportation'],
  motorcycle: ['vehicle', 'transportation'],
  boat: ['vehicle', 'transportation', 'watercraft'],
  'rowing boat': ['boat', 'vehicle', 'transportation', 'watercraft'],
  rocket: ['vehicle', 'transportation'],
  lighthouse: ['building', 'tower', 'architecture'],
  tower: ['building', 'architecture'],
  castle: ['building', 'architecture'],
  houses: ['building', 'architecture'],
  forest: ['vegetation', 'plant', 'nature', 'tree'],
  trees: ['vegetation', 'plant'],
  tree: ['vegetation', 'plant'],
  grass: ['vegetation', 'plant'],
  flower: ['plant'],
  dahlia: ['flower', 'plant'],
  pasture: ['field', 'grass'],
  lawn: ['grass', 'vegetation', 'plant'],
  orange: ['fruit', 'citrus fruit', 'food', 'plant'],
  lemon: ['fruit', 'citrus fruit', 'food', 'plant'],
  lime: ['fruit', 'citrus fruit', 'food', 'plant'],
  kiwi: ['fruit', 'food', 'plant'],
  banana: ['fruit', 'food', 'plant'],
  fruit: ['food'],
  cabbage: ['vegetable', 'food', 'plant'],
  espresso: ['coffee', 'drink', 'beverage'],
  coffee: ['drink', 'beverage'],
  spoon: ['cutlery'],
  sea: ['water'],
  ocean: ['water'],
  lake: ['water'],
  wave: ['water'],
  clouds: ['sky'],
  'street sign': ['sign', 'symbol'],
  sign: ['symbol'],
  glasses: ['accessories'],
  uniform: ['clothing'],
  spacesuit: ['clothing'],
};

export function normaliseWord(word: string): string {
  const lower = word.trim().toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ');
  return lower.length > 3 && lower.endsWith('s') && !lower.endsWith('ss') ? lower.slice(0, -1) : lower;
}

function synonymsOf(word: string): Set<string> {
  const key = normaliseWord(word);
  const result = new Set([key]);
  for (const group of SYNONYM_GROUPS) {
    if (group.some((w) => normaliseWord(w) === key)) for (const w of group) result.add(normaliseWord(w));
  }
  return result;
}

/** True when `returned` names an expected label, a synonym of one, or a parent of one. */
export function matchesExpected(returned: string, expected: readonly string[]): boolean {
  const names = synonymsOf(returned);
  for (const wanted of expected) {
    const wantedNames = synonymsOf(wanted);
    if ([...wantedNames].some((w) => names.has(w))) return true;
    for (const w of wantedNames) {
      const parents = Object.entries(PARENTS).find(([child]) => normaliseWord(child) === w)?.[1] ?? [];
      if (parents.some((p) => names.has(normaliseWord(p)))) return true;
    }
  }
  return false;
}

/** All words the table knows that mean `word` (itself included), for the absent-object check. */
export function equivalentWords(word: string): Set<string> {
  return synonymsOf(word);
}
