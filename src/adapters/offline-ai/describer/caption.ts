/**
 * Composes a one-sentence caption from labels. Every noun in it comes from a label (or is generic
 * wording such as "photo" or "scene"), so it cannot name something the detector did not report.
 */
import type { Label } from '../../../core/domain.js';
import { capitalise, joinList, stableChoice, toBe, withArticle } from './grammar.js';
import { settingPhrase, stylePhrase } from './setting.js';
import { GENERIC_SUBJECT_KIND, lookUp, type SubjectKind, type WordEntry } from './vocabulary.js';

export const EMPTY_CAPTION = 'An image with no clearly recognisable subject.';

interface Subject {
  entry: WordEntry;
  kind: SubjectKind;
}

const SUBJECT_KINDS = new Set<string>(['person', 'animal', 'vehicle', 'building', 'food', 'plant', 'object']);
/** Two labels of these kinds usually name the same thing (Person + Woman, Lighthouse + Tower). */
const ONE_PER_PHOTO_KINDS = new Set<SubjectKind>(['person', 'building']);
const CONNECTOR: Record<SubjectKind, string> = {
  person: 'with',
  animal: 'beside',
  vehicle: 'alongside',
  building: 'beside',
  food: 'with',
  plant: 'with',
  object: 'with',
};

/** Who a viewer looks at first: people, then animals, then buildings and vehicles, then the rest. */
const SALIENCE: SubjectKind[] = ['person', 'animal', 'building', 'vehicle', 'food', 'plant', 'object'];

function pickSubjects(labels: readonly Label[], present: ReadonlySet<string>): Subject[] {
  const specific: Subject[] = [];
  for (const label of labels) {
    const entry = lookUp(label.name);
    if (SUBJECT_KINDS.has(entry.kind)) specific.push({ entry, kind: entry.kind as SubjectKind });
  }
  // Stable sort: within a kind, labels keep their confidence order.
  specific.sort((a, b) => SALIENCE.indexOf(a.kind) - SALIENCE.indexOf(b.kind));
  if (specific.length === 0) {
    // A category alone ("Plant" next to "Vegetation") says less than the scene itself.
    if (settingPhrase(present)) return [];
    // Only categories (e.g. "Animal"): the most confident one becomes the subject.
    for (const label of labels) {
      const kind = GENERIC_SUBJECT_KIND[label.name.toLowerCase()];
      if (kind) return [{ entry: lookUp(label.name), kind }];
    }
    return [];
  }
  let [primary, ...rest] = specific;
  if (!primary) return [];
  if (primary.kind === 'person') {
    // "Person" + "Woman" → speak of the woman: the more specific word is also given by a label.
    const specificPerson = specific.find((s) => s.kind === 'person' && s.entry.noun !== 'person');
    if (specificPerson) {
      primary = specificPerson;
      rest = specific.filter((s) => s !== specificPerson);
    }
  }
  const others = rest.filter(
    (s, i) =>
      s.entry.noun !== primary.entry.noun &&
      !(ONE_PER_PHOTO_KINDS.has(primary.kind) && s.kind === primary.kind) &&
      !(ONE_PER_PHOTO_KINDS.has(s.kind) && rest.slice(0, i).some((o) => o.kind === s.kind)) &&
      rest.slice(0, i).every((o) => o.entry.noun !== s.entry.noun),
  );
  return [primary, ...others.slice(0, 2)];
}

function subjectSentence(subjects: Subject[], present: ReadonlySet<string>, seed: string): string {
  const [primary, ...others] = subjects;
  if (!primary) return sceneSentence(present, seed);
  const subject = withArticle(primary.entry);
  const be = toBe(primary.entry);
  const company = others.length
    ? ` ${CONNECTOR[primary.kind]} ${joinList(others.map((o) => withArticle(o.entry)))}`
    : '';
  const where = settingPhrase(present);
  switch (primary.kind) {
    case 'person':
      if (present.has('portrait')) {
        const smiling = present.has('smile') ? 'smiling ' : '';
        return `This close-up portrait shows a ${smiling}${primary.entry.noun}${company}${where}`;
      }
      return stableChoice(
        [`${subject} ${be} pictured${company}${where}`, `${subject} appears${company}${where}`],
        seed,
      );
    case 'animal':
      return stableChoice(
        [`${subject} ${be} seen${company}${where}`, `${subject} ${be} captured${company}${where}`],
        seed,
      );
    case 'vehicle':
      return stableChoice(
        [`${subject} takes centre stage${company}${where}`, `${subject} ${be} shown${company}${where}`],
        seed,
      );
    case 'building': {
      if (present.has('sky'))
        return `${subject} rises against an open sky${company}${settingPhrase(present, { skipSky: true })}`;
      return `${subject} stands${company}${where}`;
    }
    case 'food':
      return stableChoice(
        [
          `${subject} ${be} shown up close${company}${where}`,
          `A close-up shows ${subject}${company}${where}`,
        ],
        seed,
      );
    case 'plant':
      return `${subject} ${be} the focus of this photo${company}${where}`;
    case 'object':
      return stableChoice(
        [
          `${subject} ${be} the main subject of this photo${company}${where}`,
          `${subject} ${be} shown${company}${where}`,
        ],
        seed,
      );
  }
}

/** No subject: describe the scene itself from setting labels. */
function sceneSentence(present: ReadonlySet<string>, seed: string): string {
  if (present.has('vegetation') && present.has('sky')) return 'Green vegetation grows under an open sky';
  if (present.has('vegetation'))
    return stableChoice(
      ['Dense green vegetation fills the frame', 'Green vegetation fills the whole frame'],
      seed,
    );
  if (present.has('landscape'))
    return `A landscape stretches${settingPhrase(present) || ' across the frame'}`;
  if (present.has('sky')) {
    const where = settingPhrase(new Set([...present].filter((l) => l !== 'outdoors')), { skipSky: true });
    return `An open sky fills the upper part of this${present.has('outdoors') ? ' outdoor' : ''} scene${where}`;
  }
  const where = settingPhrase(present);
  if (where) return `A scene${where}`;
  if (present.has('dark')) return 'This dark photo shows little visible detail';
  if (present.has('noise')) return 'A grainy, noisy photo with no clearly recognisable subject';
  if (present.has('bokeh')) return 'A sharply focused centre stands out against a blurred background';
  if (present.has('black and white') || present.has('monochrome'))
    return 'A black-and-white photo with no clearly recognisable subject';
  return EMPTY_CAPTION.slice(0, -1);
}

export function composeCaption(labels: readonly Label[]): string {
  if (labels.length === 0) return EMPTY_CAPTION;
  const present = new Set(labels.map((l) => l.name.trim().toLowerCase()));
  const seed = [...present].sort().join('|');
  const subjects = pickSubjects(labels, present);
  let sentence = subjectSentence(subjects, present, seed);
  const style = stylePhrase(present);
  const styleAlreadySaid = /black-and-white|dark photo|noisy|blurred background/.test(sentence);
  if (!styleAlreadySaid) sentence += style;
  return `${capitalise(sentence.trim())}.`;
}
