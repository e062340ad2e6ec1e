/**
 * The one fixed rule that splits the evaluation set: the first byte of SHA-256 of the file name, even
 * → tuning, odd → validation. Decided once, before any tuning; never change it (every figure in the
 * closing notes is on this split), and never tune a rule on the validation half.
 */
import { createHash } from 'node:crypto';

export type Half = 'tuning' | 'validation';
export const HALVES: readonly Half[] = ['tuning', 'validation'];

export function halfOf(file: string): Half {
  const first = createHash('sha256').update(file).digest()[0] ?? 0;
  return first % 2 === 0 ? 'tuning' : 'validation';
}
