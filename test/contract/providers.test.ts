/**
 * The provider contracts (LabelDetector, Describer, BeautyScorer), run against the scripted providers
 * and each cloud adapter behind its wire server. Each implementation gets the same faults — a 503 or
 * throttle, a rejected request, an answer in the wrong shape — and must report them with the same
 * pipeline error names, because the state machine's retry and fallback rules depend on exactly those.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RekognitionLabelDetector } from '../../src/adapters/rekognition/label-detector.js';
import { SageMakerBeautyScorer } from '../../src/adapters/sagemaker/beauty-scorer.js';
import { HttpBeautyScorer } from '../../src/adapters/http/beauty-scorer.js';
import { OpenAiDescriber } from '../../src/adapters/openai/describer.js';
import {
  ScriptedBeautyScorer,
  ScriptedDescriber,
  ScriptedLabelDetector,
  type ScriptedFailure,
} from '../../src/adapters/scripted/providers.js';
import type { BeautyScorer, Describer, LabelDetector } from '../../src/core/ports/index.js';
import { photo } from '../support/server.js';
import {
  FAKE_AWS_ENV,
  type FakeServer,
  type FaultKind,
  sendJson,
  startFakeServer,
  useEnv,
} from '../wire/fake-server.js';
import { OPENAI_TEST_KEY, type OpenAiFake, startOpenAiServer } from '../wire/openai-server.js';
import { type RekognitionFake, startRekognitionServer } from '../wire/rekognition-server.js';
import { type SageMakerFake, startSageMakerServer } from '../wire/sagemaker-server.js';
import { callOptions, failureOf, imageFrom } from '../wire/support.js';

type Failure = 'transient' | 'permanent' | 'malformed';

/** One implementation under contract: build it so that its first call meets `failure` (or none). */
interface Subject<P> {
  name: string;
  make(failure?: Failure): P;
}

let rekognition: RekognitionFake;
let sagemaker: SageMakerFake;
let openai: OpenAiFake;
let httpBeauty: FakeServer;
let restoreEnv: () => void;
let lighthouse: Uint8Array;
let dunes: Uint8Array;

const WIRE_FAULT: Record<Failure, FaultKind> = {
  transient: 'throttle',
  permanent: 'forbidden',
  malformed: 'malformed',
};
const scriptedFailure = (f?: Failure): { failures: ScriptedFailure[] } => ({ failures: f ? [f] : [] });

beforeAll(async () => {
  [rekognition, sagemaker, openai] = await Promise.all([
    startRekognitionServer(),
    startSageMakerServer({ contract: 'score', beauty_score: 0.62 }),
    startOpenAiServer(),
  ]);
  httpBeauty = await startFakeServer(
    () => 'score',
    (_request, response, fault) => {
      if (fault === 'throttle') return sendJson(response, 503, { error: 'loading model' });
      if (fault === 'forbidden') return sendJson(response, 403, { error: 'bad token' });
      if (fault === 'malformed') return sendJson(response, 200, 'Internal error: CUDA out of memory');
      sendJson(response, 200, [
        { label: 'aesthetic', score: 0.71 },
        { label: 'not_aesthetic', score: 0.29 },
      ]);
    },
  );
  restoreEnv = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_REKOGNITION: rekognition.url,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
  });
  [lighthouse, dunes] = await Promise.all([photo('lighthouse.jpg'), photo('coastal-dune-grass.jpg')]);
});
afterAll(async () => {
  restoreEnv?.();
  await Promise.all([rekognition?.close(), sagemaker?.close(), openai?.close(), httpBeauty?.close()]);
});

const labelSubjects: Subject<LabelDetector>[] = [
  { name: 'scripted', make: (f) => new ScriptedLabelDetector(scriptedFailure(f)) },
  {
    name: 'rekognition',
    make: (f) => {
      if (f) rekognition.fail(WIRE_FAULT[f]);
      return new RekognitionLabelDetector({ source: 'bytes', maxLabels: 20, minConfidence: 50 });
    },
  },
];
const describerSubjects: Subject<Describer>[] = [
  { name: 'scripted', make: (f) => new ScriptedDescriber(scriptedFailure(f)) },
  {
    name: 'openai',
    make: (f) => {
      if (f) openai.fail(WIRE_FAULT[f]);
      return new OpenAiDescriber({ apiKey: OPENAI_TEST_KEY, baseURL: `${openai.url}/v1` });
    },
  },
];
const beautySubjects: Subject<BeautyScorer>[] = [
  { name: 'scripted', make: (f) => new ScriptedBeautyScorer(scriptedFailure(f)) },
  {
    name: 'sagemaker',
    make: (f) => {
      if (f) sagemaker.fail(WIRE_FAULT[f]);
      return new SageMakerBeautyScorer({ endpointName: 'pharos-aesthetic', scale: '0-1' });
    },
  },
  {
    name: 'http',
    make: (f) => {
      if (f) httpBeauty.fail(WIRE_FAULT[f]);
      return new HttpBeautyScorer({ url: `${httpBeauty.url}/predict`, label: 'aesthetic', scale: '0-1' });
    },
  },
];

const errorNames: Record<Failure, string> = {
  transient: 'Provider.Transient',
  permanent: 'Provider.Permanent',
  malformed: 'Provider.MalformedOutput',
};

describe.each(labelSubjects)('LabelDetector contract: $name', (subject) => {
  it('answers Title Case labels with confidences 0–100 and a provenance', async () => {
    const result = await subject.make().detect(imageFrom(lighthouse), callOptions());
    expect(result.labels.length).toBeGreaterThan(0);
    for (const label of result.labels) {
      expect(label.name).toMatch(/^[A-Z]/);
      expect(label.confidence).toBeGreaterThanOrEqual(0);
      expect(label.confidence).toBeLessThanOrEqual(100);
    }
    expect(result.provenance).toEqual({
      provider: subject.name,
      model: expect.any(String),
      version: expect.any(String),
    });
  });

  it.each(['transient', 'permanent'] as const)(
    'reports a %s failure by its pipeline error name',
    async (failure) => {
      expect((await failureOf(subject.make(failure).detect(imageFrom(lighthouse), callOptions()))).name).toBe(
        errorNames[failure],
      );
    },
  );
});

describe.each(describerSubjects)('Describer contract: $name', (subject) => {
  const labels = [
    { name: 'Lighthouse', confidence: 99 },
    { name: 'Sea', confidence: 95 },
    { name: 'Sky', confidence: 90 },
  ];

  it('answers a non-empty description, string tags and a provenance', async () => {
    const caption = await subject.make().describe({ labels, image: imageFrom(lighthouse) }, callOptions());
    expect(caption.description.length).toBeGreaterThan(5);
    expect(caption.tags.length).toBeGreaterThan(0);
    for (const tag of caption.tags) expect(typeof tag).toBe('string');
    expect(caption.provenance).toMatchObject({ provider: subject.name });
  });

  it.each(['transient', 'permanent', 'malformed'] as const)(
    'reports a %s failure by its pipeline error name',
    async (failure) => {
      expect(
        (
          await failureOf(
            subject.make(failure).describe({ labels, image: imageFrom(lighthouse) }, callOptions()),
          )
        ).name,
      ).toBe(errorNames[failure]);
    },
  );
});

describe.each(beautySubjects)('BeautyScorer contract: $name', (subject) => {
  it('answers an integer 0–100 with the raw output and a provenance', async () => {
    for (const bytes of [lighthouse, dunes]) {
      const result = await subject.make().score(imageFrom(bytes), callOptions());
      expect(Number.isInteger(result.score)).toBe(true);
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(100);
      expect(result.raw).not.toBeUndefined();
      expect(result.provenance).toMatchObject({ provider: subject.name });
    }
  });

  it.each(['transient', 'permanent', 'malformed'] as const)(
    'reports a %s failure by its pipeline error name',
    async (failure) => {
      expect((await failureOf(subject.make(failure).score(imageFrom(lighthouse), callOptions()))).name).toBe(
        errorNames[failure],
      );
    },
  );
});
