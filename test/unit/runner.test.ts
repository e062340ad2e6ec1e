/**
 * The durable runner on an in-memory ExecutionStore and a fake Clock: every retry, catch and Pass rule
 * of the pipeline definition, checked without PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionStatus, FinalStatus } from '../../src/core/domain.js';
import { ErrorNames, PipelineError } from '../../src/core/errors.js';
import { buildPipeline, type PipelineDocument, type StateError } from '../../src/core/pipeline.js';
import type {
  CheckpointStep,
  Clock,
  ExecutionRecord,
  ExecutionStore,
  PreparedAttempt,
} from '../../src/core/ports/index.js';
import { PipelineRunner, type StepContext, type StepRegistry } from '../../src/core/runner.js';
import { WORKER_LOST } from '../../src/core/transitions.js';

interface Attempt {
  id: string;
  state: string;
  attempt: number;
  status: ExecutionStatus;
  error: string | null;
  willRetry: boolean;
  output?: unknown;
}

/** The ExecutionStore contract, in memory. */
class MemoryStore implements ExecutionStore {
  readonly attempts: Attempt[] = [];
  readonly checkpoints: { nextState: string; document: PipelineDocument }[] = [];
  private nextId = 1;

  constructor(public execution: ExecutionRecord) {}

  async load(executionId: string) {
    return executionId === this.execution.id ? structuredClone(this.execution) : null;
  }
  async abandonRunningAttempts() {
    const running = this.attempts.filter((a) => a.status === 'RUNNING');
    for (const a of running) Object.assign(a, { status: 'FAILED', error: WORKER_LOST.Error });
    return running.length;
  }
  async failedAttemptErrors(_executionId: string, state: string, exceptAttemptId?: string) {
    return this.attempts
      .filter((a) => a.state === state && a.status === 'FAILED' && a.id !== exceptAttemptId)
      .map((a) => a.error ?? 'Error');
  }
  async hasAttempt(_executionId: string, state: string) {
    return this.attempts.some((a) => a.state === state);
  }
  async beginAttempt(_executionId: string, state: string): Promise<PreparedAttempt> {
    const attempt = this.attempts.filter((a) => a.state === state).length + 1;
    const id = String(this.nextId++);
    this.attempts.push({ id, state, attempt, status: 'RUNNING', error: null, willRetry: false });
    return { attemptId: id, attempt };
  }
  async failAttempt(attemptId: string, error: StateError, willRetry: boolean) {
    Object.assign(this.byId(attemptId), { status: 'FAILED', error: error.Error, willRetry });
  }
  async checkpoint(executionId: string, step: CheckpointStep) {
    if (step.attemptId)
      Object.assign(this.byId(step.attemptId), { status: 'SUCCEEDED', output: step.output });
    this.execution = { ...this.execution, current_state: step.nextState, document: step.document };
    this.checkpoints.push({ nextState: step.nextState, document: step.document });
    if (step.finish) await this.finish(executionId, step.finish.status, step.finish.error);
    let folded: PreparedAttempt | null = null;
    if (step.folded) {
      folded = await this.beginAttempt(executionId, step.folded.state);
      Object.assign(this.byId(folded.attemptId), { status: 'SUCCEEDED', output: step.folded.output });
    }
    return { next: step.beginNext ? await this.beginAttempt(executionId, step.nextState) : null, folded };
  }
  async finish(_executionId: string, status: FinalStatus, error?: StateError) {
    this.execution = { ...this.execution, status, error: error?.Error ?? null, cause: error?.Cause ?? null };
  }
  /** The timeline as `state:attempt:status`, in order. */
  trail() {
    return this.attempts.map((a) => `${a.state}:${a.attempt}:${a.status}`);
  }
  private byId(id: string) {
    const found = this.attempts.find((a) => a.id === id);
    if (!found) throw new Error(`no attempt ${id}`);
    return found;
  }
}

/** Time that moves only when the runner sleeps: the backoff is observable and the test instant. */
class FakeClock implements Clock {
  private ms = Date.parse('2026-12-01T00:00:00Z');
  readonly sleeps: number[] = [];
  now() {
    return new Date(this.ms);
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.ms += ms;
  }
}

const document = (): PipelineDocument => ({
  image_id: 'img-1',
  user_id: 'user-1',
  bucket: 'b',
  key: 'uploads/user-1/img-1',
  content_type: 'image/jpeg',
  execution_id: 'exec-1',
  execution_seq: 1,
});

const execution = (patch: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id: 'exec-1',
  name: 'img-1-upload',
  image_id: 'img-1',
  user_id: 'user-1',
  seq: 1,
  status: 'RUNNING',
  current_state: null,
  document: document(),
  started_at: '2026-12-01T00:00:00Z',
  ended_at: null,
  error: null,
  cause: null,
  ...patch,
});

const provenance = { provider: 'test', model: 'm', version: '1' };

/** Steps that succeed unless `failures[state]` lists errors to throw first (one per attempt). */
function steps(failures: Partial<Record<string, string[]>> = {}): StepRegistry {
  const maybeFail = (context: StepContext) => {
    const next = failures[context.state]?.shift();
    if (next) throw new PipelineError(next, `${context.state} failed with ${next}`);
  };
  return {
    inspectImage: async (_d, c) => (
      maybeFail(c),
      { content_type: 'image/jpeg', width: 64, height: 48, bytes: 1234, rendition: null }
    ),
    detectLabels: async (_d, c) => (
      maybeFail(c),
      { labels: [{ name: 'Lighthouse', confidence: 99 }], provenance }
    ),
    filterLabels: async (d, c) => (maybeFail(c), { labels: d.detected!.labels }),
    describeAndTag: async (_d, c) => (
      maybeFail(c),
      { description: 'A lighthouse.', tags: ['lighthouse'], provenance }
    ),
    scoreBeauty: async (_d, c) => (maybeFail(c), { score: 78, raw: { score: 7.8 }, provenance }),
    saveResults: async (_d, c) => (maybeFail(c), { status: 'READY', processed_at: '2026-12-01T00:00:01Z' }),
    markFailed: async (d, c) => (
      maybeFail(c),
      { status: 'FAILED', error: `${d.error?.Error}: ${d.error?.Cause}` }
    ),
    notify: async (_d, c) => (maybeFail(c), { at: '2026-12-01T00:00:02Z' }),
  };
}

function runner(
  store: MemoryStore,
  clock: FakeClock,
  registry: StepRegistry,
  beautyFailure: 'null' | 'fail' = 'fail',
) {
  return new PipelineRunner({
    definition: buildPipeline({ beautyFailure }),
    steps: registry,
    store,
    clock,
    random: () => 1,
  });
}

const HAPPY = [
  'InspectImage:1:SUCCEEDED',
  'DetectLabels:1:SUCCEEDED',
  'FilterLabels:1:SUCCEEDED',
  'DescribeAndTag:1:SUCCEEDED',
  'ScoreBeauty:1:SUCCEEDED',
  'SaveResults:1:SUCCEEDED',
  'Notify:1:SUCCEEDED',
];

describe('the durable runner (in memory)', () => {
  it('runs every state once in order and succeeds', async () => {
    const store = new MemoryStore(execution());
    const clock = new FakeClock();
    expect(await runner(store, clock, steps()).run('exec-1', new AbortController().signal)).toBe('SUCCEEDED');
    expect(store.trail()).toEqual(HAPPY);
    expect(store.execution.status).toBe('SUCCEEDED');
    expect(store.execution.document.caption?.description).toBe('A lighthouse.');
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a transient error with exponential backoff, then goes on', async () => {
    const store = new MemoryStore(execution());
    const clock = new FakeClock();
    const registry = steps({ DetectLabels: [ErrorNames.Transient, ErrorNames.Timeout] });
    expect(await runner(store, clock, registry).run('exec-1', new AbortController().signal)).toBe(
      'SUCCEEDED',
    );
    expect(store.trail().slice(0, 4)).toEqual([
      'InspectImage:1:SUCCEEDED',
      'DetectLabels:1:FAILED',
      'DetectLabels:2:FAILED',
      'DetectLabels:3:SUCCEEDED',
    ]);
    expect(store.attempts.slice(1, 3).map((a) => a.willRetry)).toEqual([true, true]);
    // intervalSeconds 1, backoffRate 2, full jitter at random() = 1.
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('spends the retry budget, then catches into MarkFailed → Notify → Failed', async () => {
    const store = new MemoryStore(execution());
    const clock = new FakeClock();
    const registry = steps({ DescribeAndTag: Array(4).fill(ErrorNames.Transient) });
    expect(await runner(store, clock, registry).run('exec-1', new AbortController().signal)).toBe('FAILED');
    const describe = store.attempts.filter((a) => a.state === 'DescribeAndTag');
    expect(describe.map((a) => a.willRetry)).toEqual([true, true, true, false]);
    expect(store.trail().slice(-2)).toEqual(['MarkFailed:1:SUCCEEDED', 'Notify:1:SUCCEEDED']);
    expect(store.execution.error).toBe(ErrorNames.ImageFailed);
    expect(store.execution.cause).toMatch(/DescribeAndTag failed/);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('does not retry an error no retrier matches', async () => {
    const store = new MemoryStore(execution());
    const registry = steps({ ScoreBeauty: [ErrorNames.Permanent] });
    expect(await runner(store, new FakeClock(), registry).run('exec-1', new AbortController().signal)).toBe(
      'FAILED',
    );
    expect(store.attempts.filter((a) => a.state === 'ScoreBeauty')).toHaveLength(1);
    expect(store.attempts.some((a) => a.state === 'SaveResults')).toBe(false);
  });

  it('a resumed run counts retries from the recorded attempts, not afresh', async () => {
    // A previous worker already spent all three retries of DetectLabels before it died.
    const store = new MemoryStore(execution({ current_state: 'DetectLabels' }));
    for (let i = 0; i < 4; i++) {
      const { attemptId } = await store.beginAttempt('exec-1', 'DetectLabels');
      await store.failAttempt(attemptId, { Error: ErrorNames.Transient, Cause: 'throttled' }, i < 3);
    }
    const registry = steps({ DetectLabels: [ErrorNames.Transient] });
    expect(await runner(store, new FakeClock(), registry).run('exec-1', new AbortController().signal)).toBe(
      'FAILED',
    );
    const detect = store.attempts.filter((a) => a.state === 'DetectLabels');
    expect(detect).toHaveLength(5);
    expect(detect[4]!.willRetry).toBe(false);
  });

  it('closes an attempt a dead worker left RUNNING as Worker.Lost and resumes from that state', async () => {
    const store = new MemoryStore(execution({ current_state: 'SaveResults' }));
    store.execution.document = {
      ...document(),
      detected: { labels: [], provenance },
      filtered: { labels: [] },
      caption: { description: 'A lighthouse.', tags: [], provenance },
      beauty: { score: 78, raw: null, provenance },
    };
    await store.beginAttempt('exec-1', 'SaveResults');
    expect(await runner(store, new FakeClock(), steps()).run('exec-1', new AbortController().signal)).toBe(
      'SUCCEEDED',
    );
    expect(store.trail()).toEqual(['SaveResults:1:FAILED', 'SaveResults:2:SUCCEEDED', 'Notify:1:SUCCEEDED']);
    expect(store.attempts[0]!.error).toBe(ErrorNames.WorkerLost);
  });

  it('with the null beauty policy, a failed score goes through the BeautyUnavailable Pass state', async () => {
    const store = new MemoryStore(execution());
    const registry = steps({ ScoreBeauty: [ErrorNames.Permanent] });
    expect(
      await runner(store, new FakeClock(), registry, 'null').run('exec-1', new AbortController().signal),
    ).toBe('SUCCEEDED');
    expect(store.trail()).toContain('BeautyUnavailable:1:SUCCEEDED');
    expect(store.execution.document.beauty_error?.Error).toBe(ErrorNames.Permanent);
    expect(store.execution.document.beauty).toEqual({ score: null, raw: null, provenance: null });
  });

  it('tells a step whether a failure would be retried, from the same budget', async () => {
    const answers: boolean[] = [];
    const store = new MemoryStore(execution());
    const registry = steps();
    registry.detectLabels = async (_d, context) => {
      answers.push(await context.willRetry(ErrorNames.Transient));
      throw new PipelineError(ErrorNames.Transient, 'throttled');
    };
    expect(await runner(store, new FakeClock(), registry).run('exec-1', new AbortController().signal)).toBe(
      'FAILED',
    );
    expect(answers).toEqual([true, true, true, false]);
    expect(store.attempts.filter((a) => a.state === 'DetectLabels').map((a) => a.willRetry)).toEqual(answers);
  });

  it('leaves the attempt RUNNING when the worker shuts down mid-step', async () => {
    const store = new MemoryStore(execution());
    const controller = new AbortController();
    const registry = steps();
    registry.describeAndTag = async () => {
      controller.abort(new Error('shutdown'));
      throw new Error('aborted');
    };
    await expect(runner(store, new FakeClock(), registry).run('exec-1', controller.signal)).rejects.toThrow();
    expect(store.trail().at(-1)).toBe('DescribeAndTag:1:RUNNING');
    expect(store.execution.status).toBe('RUNNING');
  });

  it('records the pure FilterLabels in the DetectLabels checkpoint: one write fewer, the same timeline', async () => {
    const store = new MemoryStore(execution());
    expect(await runner(store, new FakeClock(), steps()).run('exec-1', new AbortController().signal)).toBe(
      'SUCCEEDED',
    );
    expect(store.trail()).toEqual(HAPPY);
    expect(store.attempts.find((a) => a.state === 'FilterLabels')?.output).toEqual({
      labels: [{ name: 'Lighthouse', confidence: 99 }],
    });
    // One checkpoint per state but FilterLabels; DetectLabels' names the state after it.
    expect(store.checkpoints.map((c) => c.nextState)).toEqual([
      'DetectLabels',
      'DescribeAndTag',
      'ScoreBeauty',
      'SaveResults',
      'Notify',
      'Finished',
    ]);
  });

  it('runs a pure state that throws as an ordinary state: its failure recorded, then caught', async () => {
    const store = new MemoryStore(execution());
    const registry = steps();
    registry.filterLabels = async () => {
      throw new PipelineError(ErrorNames.Permanent, 'no labels to filter');
    };
    expect(await runner(store, new FakeClock(), registry).run('exec-1', new AbortController().signal)).toBe(
      'FAILED',
    );
    expect(store.trail()).toEqual([
      'InspectImage:1:SUCCEEDED',
      'DetectLabels:1:SUCCEEDED',
      'FilterLabels:1:FAILED',
      'MarkFailed:1:SUCCEEDED',
      'Notify:1:SUCCEEDED',
    ]);
  });

  it('refuses to boot when a state names a step nobody handles', () => {
    const registry: Partial<StepRegistry> = steps();
    delete registry.scoreBeauty;
    expect(() => runner(new MemoryStore(execution()), new FakeClock(), registry as StepRegistry)).toThrow(
      /ScoreBeauty uses step scoreBeauty, which has no handler/,
    );
  });
});
