/**
 * The two answer contracts a beauty model may speak, shared by the SageMaker and plain HTTP scorers:
 * - image classification (Hugging Face): `[{"label": "aesthetic", "score": 0.93}, ...]`, probabilities
 *   0–1, and configuration names the label that means "beautiful";
 * - a score: `{"beauty_score": 7.4}` on a configured scale (0–1, 0–10 or 0–100).
 * Either way the core's `normaliseBeauty` makes it an integer 0–100.
 */
import { z } from 'zod';
import { malformedOutputError } from '../../core/errors.js';
import { type BeautyScale, normaliseBeauty } from '../../core/policies.js';

export interface BeautyContract {
  /** The classification label whose probability is the beauty (e.g. `aesthetic`). */
  label?: string;
  /** Scale of `{"beauty_score": x}`. */
  scale: BeautyScale;
}

const classification = z.array(z.object({ label: z.string(), score: z.number() }).loose()).min(1);
const scored = z.object({ beauty_score: z.number() }).loose();

export function parseBeautyOutput(
  body: Uint8Array | string,
  contract: BeautyContract,
): { score: number; raw: unknown } {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw malformedOutputError(
      `beauty model answered with a body that is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  // A batch of one (`[[...]]`) is the same answer.
  const flat = Array.isArray(raw) && raw.length === 1 && Array.isArray(raw[0]) ? raw[0] : raw;
  const asClasses = classification.safeParse(flat);
  if (asClasses.success) {
    if (!contract.label) {
      throw malformedOutputError('beauty model answered with classes, but PHAROS_SAGEMAKER_LABEL names none');
    }
    const wanted = contract.label.toLowerCase();
    const match = asClasses.data.find((c) => c.label.toLowerCase() === wanted);
    if (!match) {
      const seen = asClasses.data.map((c) => c.label).join(', ');
      throw malformedOutputError(
        `beauty model answered without the label "${contract.label}" (labels: ${seen})`,
      );
    }
    return { score: normaliseBeauty(match.score, '0-1'), raw };
  }
  const asScore = scored.safeParse(flat);
  if (asScore.success) return { score: normaliseBeauty(asScore.data.beauty_score, contract.scale), raw };
  throw malformedOutputError(`beauty model answered in neither contract: ${text.slice(0, 120)}`);
}
