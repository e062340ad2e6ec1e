/** Normalisation rules: the one place where provider output is shaped into Pharos' contract. */
import type { Caption, Label } from './domain.js';
import { malformedOutputError } from './errors.js';
import { dedupeTags } from './tags.js';

export interface LabelFilterPolicy {
  maxLabels: number;
  minConfidence: number;
}

export const DEFAULT_LABEL_FILTER: LabelFilterPolicy = { maxLabels: 10, minConfidence: 80 };

/** The seed's FilterLabels: top N by confidence, at or above the threshold, one entry per name. */
export function filterLabels(labels: Label[], policy: LabelFilterPolicy = DEFAULT_LABEL_FILTER): Label[] {
  const byName = new Map<string, Label>();
  for (const label of labels) {
    const name = label.name.trim();
    if (!name || !Number.isFinite(label.confidence)) continue;
    const confidence = Math.round(Math.min(100, Math.max(0, label.confidence)) * 10) / 10;
    const key = name.toLowerCase();
    const existing = byName.get(key);
    if (!existing || existing.confidence < confidence) byName.set(key, { ...label, name, confidence });
  }
  return [...byName.values()]
    .filter((l) => l.confidence >= policy.minConfidence)
    .sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name))
    .slice(0, policy.maxLabels);
}

export const TAG_RULES = { minLength: 2, maxLength: 32, maxTags: 12 } as const;
export const MAX_DESCRIPTION_LENGTH = 300;

/**
 * Lowercase, trim, collapse spaces, keep letters/digits/spaces/hyphens, 2–32 chars, no fillers, one
 * spelling per tag (see tags.ts: plural, hyphen and spacing variants are one tag), at most 12.
 */
export function normaliseTags(tags: readonly unknown[]): string[] {
  const clean: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const flat = tag.normalize('NFKC').toLowerCase().replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (flat.length < TAG_RULES.minLength || flat.length > TAG_RULES.maxLength) continue;
    if (!/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(flat)) continue;
    clean.push(flat);
  }
  return dedupeTags(clean).slice(0, TAG_RULES.maxTags);
}

/** One line, no control characters, at most 300 characters (cut at a word boundary). */
export function normaliseDescription(text: unknown): string {
  if (typeof text !== 'string') throw malformedOutputError('description is not a string');
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!flat) throw malformedOutputError('description is empty');
  if (flat.length <= MAX_DESCRIPTION_LENGTH) return flat;
  const cut = flat.slice(0, MAX_DESCRIPTION_LENGTH - 1);
  const atWord = cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_DESCRIPTION_LENGTH / 2));
  return `${atWord.trimEnd()}…`;
}

export function normaliseCaption(caption: Caption): Caption {
  return {
    ...caption,
    description: normaliseDescription(caption.description),
    tags: normaliseTags(caption.tags),
  };
}

export type BeautyScale = '0-1' | '0-10' | '0-100';

/** Converts a provider's score on its own scale to Pharos' integer 0–100. */
export function normaliseBeauty(value: unknown, scale: BeautyScale): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw malformedOutputError(`beauty score is not a finite number: ${JSON.stringify(value)}`);
  }
  const max = scale === '0-1' ? 1 : scale === '0-10' ? 10 : 100;
  if (value < 0 || value > max * 1.0001)
    throw malformedOutputError(`beauty score ${value} is outside ${scale}`);
  return Math.round(Math.min(100, Math.max(0, (value / max) * 100)));
}
