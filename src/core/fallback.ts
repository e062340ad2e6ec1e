/**
 * Ordered provider fallback (`PHAROS_DESCRIBER=openai,local`), one rule for every port: retries first,
 * then the next provider. A failure the state's retry policy would still retry (throttling, 5xx, a
 * call deadline, malformed output within its budget) goes back to the policy, and the next attempt
 * starts again at the first provider. Once the policy would not retry it (a permanent error, or the
 * last attempt), the next provider answers in the same attempt and the provenance says who failed
 * first (`fallbackFrom`). A hung provider meets its own call deadline, set below the state's timeout,
 * so the fallback still has time to answer.
 */
import type { BeautyScore, Caption, DetectedLabels, Provenance } from './domain.js';
import { ErrorNames, errorName } from './errors.js';
import type { BeautyScorer, CallOptions, Describer, ImageInput, LabelDetector } from './ports/index.js';

// Without the runner's answer (a provider driven outside the pipeline), what the provider policy retries.
const RETRYABLE: readonly string[] = [ErrorNames.Transient, ErrorNames.Timeout];

async function firstThatAnswers<P extends { name: string }, R extends { provenance: Provenance | null }>(
  providers: readonly P[],
  options: CallOptions,
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
      if (last || options.signal.aborted) throw error;
      const name = errorName(error);
      const retried = options.willRetry ? await options.willRetry(name) : RETRYABLE.includes(name);
      if (retried) throw error;
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
      firstThatAnswers(providers, options, (p) => p.detect(image, options)),
  };
}

export function describerChain(providers: readonly Describer[]): Describer {
  if (providers.length === 1) return providers[0]!;
  return {
    name: providers.map((p) => p.name).join(','),
    describe: (input, options): Promise<Caption> =>
      firstThatAnswers(providers, options, (p) => p.describe(input, options)),
  };
}

export function beautyScorerChain(providers: readonly BeautyScorer[]): BeautyScorer {
  if (providers.length === 1) return providers[0]!;
  return {
    name: providers.map((p) => p.name).join(','),
    score: (image, options): Promise<BeautyScore> =>
      firstThatAnswers(providers, options, (p) => p.score(image, options)),
  };
}
