/**
 * Figures for the cloud providers, against the local wire servers: calls per photo, retries seen
 * under injected faults (with the pipeline's own retry rule for the state), and the latency our
 * adapter adds over the fake server's own handling time (p50). Run alone: `npx tsx bench/cloud-adapters.ts`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RekognitionLabelDetector } from '../src/adapters/rekognition/label-detector.js';
import { SageMakerBeautyScorer } from '../src/adapters/sagemaker/beauty-scorer.js';
import { OpenAiDescriber } from '../src/adapters/openai/describer.js';
import { errorName } from '../src/core/errors.js';
import { buildPipeline, errorMatches, type TaskState } from '../src/core/pipeline.js';
import type { ImageInput } from '../src/core/ports/index.js';
import { FAKE_AWS_ENV, type FakeServer, type FaultKind, useEnv } from '../test/wire/fake-server.js';
import { OPENAI_TEST_KEY, startOpenAiServer } from '../test/wire/openai-server.js';
import { startRekognitionServer } from '../test/wire/rekognition-server.js';
import { startSageMakerServer } from '../test/wire/sagemaker-server.js';

const PHOTOS = [
  'lighthouse.jpg',
  'coastal-dune-grass.jpg',
  'forest-path.jpg',
  'ocean-waves.jpg',
  'castle-maintenon.jpg',
];
const ROUNDS = 6; // 30 calls per provider on healthy servers
const FAULTS: FaultKind[] = ['throttle', 'server-error'];

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

interface Subject {
  name: string;
  state: string;
  server: FakeServer;
  call(image: ImageInput): Promise<unknown>;
}

/** Calls like the runner does for one state: retry while the state's retry rule matches (no sleeping). */
async function callLikeTheState(
  subject: Subject,
  image: ImageInput,
  state: TaskState,
): Promise<{ calls: number; ok: boolean }> {
  const used = new Map<number, number>();
  for (let calls = 1; ; calls++) {
    try {
      await subject.call(image);
      return { calls, ok: true };
    } catch (error) {
      const index = state.retry.findIndex((r) => errorMatches(r.errorEquals, errorName(error)));
      const rule = state.retry[index];
      const n = used.get(index) ?? 0;
      if (!rule || n >= rule.maxAttempts) return { calls, ok: false };
      used.set(index, n + 1);
    }
  }
}

export async function benchCloudAdapters(): Promise<string[]> {
  const dir = fileURLToPath(new URL('../test/fixtures/photos/', import.meta.url));
  const images: ImageInput[] = await Promise.all(
    PHOTOS.map(async (name) => {
      const bytes = new Uint8Array(await readFile(`${dir}${name}`));
      return {
        bucket: 'pharos-photos',
        key: `uploads/bench/${name}`,
        contentType: 'image/jpeg',
        bytes: async () => bytes,
      };
    }),
  );
  const [rekognition, sagemaker, openai] = await Promise.all([
    startRekognitionServer(),
    startSageMakerServer({
      contract: 'classification',
      classes: [
        { label: 'aesthetic', score: 0.77 },
        { label: 'not_aesthetic', score: 0.23 },
      ],
    }),
    startOpenAiServer(),
  ]);
  const restore = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_REKOGNITION: rekognition.url,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
  });
  const labels = [
    { name: 'Lighthouse', confidence: 99 },
    { name: 'Sea', confidence: 95 },
    { name: 'Sky', confidence: 91 },
  ];
  const detector = new RekognitionLabelDetector({ source: 'bytes', maxLabels: 25, minConfidence: 55 });
  const describer = new OpenAiDescriber({ apiKey: OPENAI_TEST_KEY, baseURL: `${openai.url}/v1` });
  const scorer = new SageMakerBeautyScorer({
    endpointName: 'pharos-aesthetic',
    label: 'aesthetic',
    scale: '0-1',
  });
  const signal = () => ({ signal: AbortSignal.timeout(30_000) });
  const subjects: Subject[] = [
    {
      name: 'rekognition',
      state: 'DetectLabels',
      server: rekognition,
      call: (image) => detector.detect(image, signal()),
    },
    {
      name: 'openai',
      state: 'DescribeAndTag',
      server: openai,
      call: (image) => describer.describe({ labels, image }, signal()),
    },
    {
      name: 'sagemaker',
      state: 'ScoreBeauty',
      server: sagemaker,
      call: (image) => scorer.score(image, signal()),
    },
  ];
  const pipeline = buildPipeline({ beautyFailure: 'null' });
  const lines = [
    `cloud adapters vs local wire servers (${images.length} photos; ${images.length * ROUNDS} healthy calls each; faults: ${FAULTS.join(', ')} once per photo)`,
  ];
  try {
    for (const subject of subjects) {
      // Warm-up: connection, SDK middleware stacks, sharp.
      await subject.call(images[0]!);
      const added: number[] = [];
      const total: number[] = [];
      const before = subject.server.requests.length;
      for (let round = 0; round < ROUNDS; round++) {
        for (const image of images) {
          const served = subject.server.serverMs.length;
          const started = performance.now();
          await subject.call(image);
          const ms = performance.now() - started;
          await new Promise((r) => setImmediate(r)); // let the server's 'finish' timing land
          total.push(ms);
          added.push(ms - (subject.server.serverMs[served] ?? 0));
        }
      }
      const healthyCalls = (subject.server.requests.length - before) / (images.length * ROUNDS);

      const state = pipeline.states[subject.state] as TaskState;
      let calls = 0;
      let succeeded = 0;
      const faultsBefore = subject.server.faultsServed;
      for (const image of images) {
        subject.server.fail(...FAULTS);
        const result = await callLikeTheState(subject, image, state);
        calls += result.calls;
        if (result.ok) succeeded += 1;
      }
      const retries = calls - images.length;
      lines.push(
        `${subject.name.padEnd(12)} calls/photo ${healthyCalls.toFixed(2)} healthy, ${(calls / images.length).toFixed(2)} under faults; ` +
          `retries ${retries} for ${subject.server.faultsServed - faultsBefore} injected faults (${succeeded}/${images.length} photos answered); ` +
          `p50 call ${p50(total).toFixed(1)} ms, of which adapter overhead ${p50(added).toFixed(1)} ms over the server's ${p50(subject.server.serverMs).toFixed(2)} ms`,
      );
    }
  } finally {
    restore();
    await Promise.all([rekognition.close(), sagemaker.close(), openai.close()]);
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchCloudAdapters()) console.log(line);
}
