/**
 * The OpenAI key's value until the operator puts a real one: the stack creates the secret with this
 * placeholder, and while it is still there the describer steps answer with the local describer instead
 * of failing every photo on a 401 — the caption's provenance then names `local`, not `openai`.
 */
export const OPENAI_KEY_PLACEHOLDER = 'PLACEHOLDER: put your OpenAI API key here (docs/aws.md)';

export function isPlaceholderKey(key: string | undefined): boolean {
  return !key || key.trim() === '' || key.trim() === OPENAI_KEY_PLACEHOLDER;
}

/** PHAROS_DESCRIBER with `openai` replaced by `local` when there is no real key (unchanged otherwise). */
export function describersFor(describers: string | undefined, key: string | undefined): string | undefined {
  if (!describers || !isPlaceholderKey(key)) return describers;
  const names = describers.split(',').map((s) => s.trim());
  if (!names.includes('openai')) return describers;
  return [...new Set(names.map((n) => (n === 'openai' ? 'local' : n)))].join(',');
}
