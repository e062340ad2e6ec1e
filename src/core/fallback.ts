/**
 * Ordered provider fallback (`PHAROS_DESCRIBER=openai,local`): when a provider fails permanently,
 * the next answers and the provenance records who failed first. Transient errors are not swallowed:
 * they go back to the state's retry policy, which is the right place to wait them out.
 */
import type { BeautyScore, Caption, DetectedLabels, Provenance } from './domain.js';
import { ErrorNames, errorName } from './errors.js';
import type { BeautyScorer, CallOptions, Describer, ImageInput, LabelDetector } from './ports/index.js';

const RETRYABLE: readonly string[] = [ErrorNames.Transient, ErrorNames.Timeout];

async function firstThatAnswers<P extends { name: string }, R extends { provenance: Provenance | null }>(
  providers: readonly P[],
  signal: AbortSignal,
  call: (provider: P) => Promise<R>,
): Promise<R> {
  const failed: string[] = [];
  for (const [index, provider] of providers.entries()) {
    try {
      const result = await call(provider);
      if (failed.length && result.provenance)
        return { ...result, provenance: { ...result.provenance, fallbackFrom: failed } };
      return result;
    } catch (error) {
      const last = index === providers.length - 1;
      if (last || signal.aborted || RETRYABLE.includes(errorName(error))) throw error;
      failed.push(provider.name);
    }
  }
  throw new Error('no provider configured');
}

export function labelDetectorChain(providers: readonly LabelDetector[]): LabelDetector {
  if (providers.length === 1) return providers[0]!;
  return {
    name: providers.map((p) => p.name).join(','),
    detect: (image: ImageInput, options: CallOptions): Promise<DetectedLabels> =>
      firstThatAnswers(providers, options.signal, (p) => p.detect(image, options)),
  };
}

export function describerChain(providers: readonly Describer[]): Describer {
  if (providers.length === 1) return providers[0]!;
  return {
    name: providers.map((p) => p.name).join(','),
    describe: (input, options): Promise<Caption> =>
      firstThatAnswers(providers, options.signal, (p) => p.describe(input, options)),
  };
}

export function beautyScorerChain(providers: readonly BeautyScorer[]): BeautyScorer {
  if (providers.length === 1) return providers[0]!;
  return {
    name: providers.map((p) => p.name).join(','),
    score: (image, options): Promise<BeautyScore> =>
      firstThatAnswers(providers, options.signal, (p) => p.score(image, options)),
  };
}
