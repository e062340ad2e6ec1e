/**
 * Deterministic scripted providers for tests and benchmarks: configurable latency and a sequence of
 * failures per photo (transient, permanent, malformed output, a hang past the timeout), then success.
 * Outputs are derived from the photo's bytes, so two photos get different results.
 */
import { createHash } from 'node:crypto';
import type { BeautyScore, Caption, DetectedLabels, Label } from '../../core/domain.js';
import { malformedOutputError, permanentError, transientError } from '../../core/errors.js';
import type {
  BeautyScorer,
  CallOptions,
  Describer,
  ImageInput,
  LabelDetector,
} from '../../core/ports/index.js';

export type ScriptedFailure = 'transient' | 'permanent' | 'malformed' | 'hang';

export interface ScriptedBehaviour {
  latencyMs?: number;
  /** Consumed in order, per photo, one per call; afterwards calls succeed. */
  failures?: ScriptedFailure[];
  /** Every call fails this way. */
  always?: ScriptedFailure;
}

export interface ScriptedScript {
  labels?: ScriptedBehaviour;
  describer?: ScriptedBehaviour;
  beauty?: ScriptedBehaviour;
}

const VOCABULARY = [
  'Lighthouse',
  'Ocean',
  'Sunset',
  'Waves',
  'Rock',
  'Sky',
  'Tower',
  'Coast',
  'Cloud',
  'Beach',
  'Boat',
];
const PROVENANCE = { provider: 'scripted', model: 'scripted', version: '1' };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

class Script {
  private readonly calls = new Map<string, number>();
  readonly callLog: string[] = [];

  constructor(private readonly behaviour: ScriptedBehaviour = {}) {}

  async perform(image: ImageInput, signal: AbortSignal): Promise<void> {
    const n = this.calls.get(image.key) ?? 0;
    this.calls.set(image.key, n + 1);
    this.callLog.push(image.key);
    if (this.behaviour.latencyMs) await sleep(this.behaviour.latencyMs, signal);
    const failure = this.behaviour.always ?? this.behaviour.failures?.[n];
    if (failure === 'transient') throw transientError('scripted: service unavailable (503)');
    if (failure === 'permanent') throw permanentError('scripted: request rejected (400)');
    if (failure === 'hang') await sleep(24 * 3600 * 1000, signal);
    if (failure === 'malformed') throw malformedOutputError('scripted: response did not match the schema');
  }
}

async function digest(image: ImageInput): Promise<Buffer> {
  return createHash('sha256')
    .update(await image.bytes())
    .digest();
}

export class ScriptedLabelDetector implements LabelDetector {
  readonly name = 'scripted';
  private readonly script: Script;
  constructor(behaviour?: ScriptedBehaviour) {
    this.script = new Script(behaviour);
  }
  get callLog() {
    return this.script.callLog;
  }
  async detect(image: ImageInput, { signal }: CallOptions): Promise<DetectedLabels> {
    await this.script.perform(image, signal);
    const hash = await digest(image);
    const labels: Label[] = VOCABULARY.map((name, i) => ({ name, confidence: 60 + (hash[i]! % 40) }));
    return { labels, provenance: PROVENANCE };
  }
}

export class ScriptedDescriber implements Describer {
  readonly name = 'scripted';
  private readonly script: Script;
  constructor(behaviour?: ScriptedBehaviour) {
    this.script = new Script(behaviour);
  }
  async describe(
    { labels, image }: { labels: Label[]; image: ImageInput },
    { signal }: CallOptions,
  ): Promise<Caption> {
    await this.script.perform(image, signal);
    const names = labels.map((l) => l.name.toLowerCase());
    return {
      description: names.length
        ? `A photo showing ${names.slice(0, 3).join(', ')}.`
        : 'A photo with no clear subject.',
      tags: names,
      provenance: PROVENANCE,
    };
  }
}

export class ScriptedBeautyScorer implements BeautyScorer {
  readonly name = 'scripted';
  private readonly script: Script;
  constructor(behaviour?: ScriptedBehaviour) {
    this.script = new Script(behaviour);
  }
  async score(image: ImageInput, { signal }: CallOptions): Promise<BeautyScore> {
    await this.script.perform(image, signal);
    const hash = await digest(image);
    const raw = { beauty_score: (hash[0]! % 100) / 10 };
    return { score: Math.round(raw.beauty_score * 10), raw, provenance: PROVENANCE };
  }
}

export function parseScript(json: string | undefined): ScriptedScript {
  if (!json) return {};
  const parsed = JSON.parse(json) as ScriptedScript;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('PHAROS_SCRIPTED must be a JSON object');
  return parsed;
}
