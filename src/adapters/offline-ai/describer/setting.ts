/** The closing phrase of a caption: where and when, built only from labels that are present. */
const PLACE_PHRASES: [label: string, phrase: string][] = [
  ['beach', 'on a beach'],
  ['coast', 'on the coast'],
  ['sea', 'by the sea'],
  ['ocean', 'by the ocean'],
  ['lake', 'by a lake'],
  ['river', 'by a river'],
  ['forest', 'in a forest'],
  ['snow', 'in the snow'],
  ['field', 'in a field'],
  ['garden', 'in a garden'],
  ['street', 'on a street'],
  ['road', 'on a road'],
  ['city', 'in the city'],
  ['mountain', 'in the mountains'],
  ['grass', 'on the grass'],
  ['vegetation', 'among green vegetation'],
  ['water', 'by the water'],
];
const TIME_PHRASES: [label: string, phrase: string][] = [
  ['sunset', 'at sunset'],
  ['dusk', 'at dusk'],
  ['night', 'at night'],
  ['sky', 'under an open sky'],
];
const FALLBACK_PHRASES: [label: string, phrase: string][] = [
  ['outdoors', 'outdoors'],
  ['indoors', 'indoors'],
];

function first(present: ReadonlySet<string>, table: [string, string][]): string | undefined {
  return table.find(([label]) => present.has(label))?.[1];
}

/** E.g. " by the sea under an open sky"; empty when no setting label is present. */
export function settingPhrase(present: ReadonlySet<string>, options: { skipSky?: boolean } = {}): string {
  const place = first(present, PLACE_PHRASES);
  const time = first(
    present,
    TIME_PHRASES.filter(([label]) => !(options.skipSky && label === 'sky')),
  );
  const parts = [place, time].filter((part): part is string => Boolean(part));
  if (parts.length === 0) {
    const fallback = first(present, FALLBACK_PHRASES);
    if (fallback) parts.push(fallback);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** A trailing note on how the photo looks, e.g. ", in black and white". */
export function stylePhrase(present: ReadonlySet<string>): string {
  if (present.has('black and white') || present.has('monochrome')) return ', in black and white';
  if (present.has('dark')) return ', in low light';
  if (present.has('noise')) return ', with visible noise';
  if (present.has('bokeh')) return ', against a blurred background';
  return '';
}
