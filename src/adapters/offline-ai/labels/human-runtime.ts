/**
 * Loads @vladmandic/human once per process on tfjs' wasm backend (tfjs-node would need a binary
 * download at install time, which this environment forbids). Models come from the installed npm
 * package and are read from disk through a `file://` load router, so nothing is fetched at run time.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The small part of Human's result that Pharos reads. */
export interface HumanObject {
  score: number;
  label: string;
  /** x, y, width, height, each 0..1 of the input. */
  boxRaw: [number, number, number, number];
}

export interface HumanFace {
  score: number;
  boxScore: number;
  boxRaw: [number, number, number, number];
  emotion?: { score: number; emotion: string }[];
}

export interface HumanResult {
  object: HumanObject[];
  face: HumanFace[];
}

interface TensorLike {
  dispose(): void;
}

interface HumanInstance {
  load(): Promise<void>;
  detect(input: TensorLike): Promise<HumanResult & { error?: string | null }>;
  tf: {
    tensor3d(values: Float32Array, shape: [number, number, number], dtype: 'float32'): TensorLike;
    memory(): { numTensors: number };
  };
}

interface HumanModule {
  Human: new (config: Record<string, unknown>) => HumanInstance;
}

interface WeightGroup {
  paths: string[];
  weights: unknown[];
}

function humanPackageDir(): string {
  // The exports map hides package.json and the wasm build; the main entry sits in <package>/dist/.
  return dirname(dirname(require.resolve('@vladmandic/human')));
}

let installedVersion: string | undefined;
/**
 * The installed Human version; it goes into each label's provenance. Read on first use, not at import:
 * the Lambda bundles import this module but do not ship Human, and must still start.
 */
export function humanVersion(): string {
  installedVersion ??= (
    JSON.parse(readFileSync(join(humanPackageDir(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return installedVersion;
}

/** The COCO detector ships inside @vladmandic/human; nanodet (in human-models) measured no better. */
export const OBJECT_MODEL = 'centernet';
const FACE_MODELS = ['blazeface', 'facemesh', 'emotion'];
export const MODELS_USED = `human-${OBJECT_MODEL}+${FACE_MODELS.join('+')}`;

function wasmDir(): string {
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

/** tfjs only knows http(s) and browser storage; teach it to read converted models from local files. */
async function registerFileLoader(): Promise<void> {
  const tf = require('@tensorflow/tfjs-core') as {
    io: { registerLoadRouter(router: (url: string | string[]) => unknown): void };
  };
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    return { load: () => loadModelArtifacts(new URL(url).pathname) };
  });
}

async function loadModelArtifacts(modelJsonPath: string): Promise<Record<string, unknown>> {
  const manifest = JSON.parse(await readFile(modelJsonPath, 'utf8')) as Record<string, unknown> & {
    weightsManifest: WeightGroup[];
  };
  const dir = dirname(modelJsonPath);
  const shards: Buffer[] = [];
  for (const group of manifest.weightsManifest) {
    for (const path of group.paths) shards.push(await readFile(join(dir, path)));
  }
  const weights = Buffer.concat(shards);
  return {
    ...manifest,
    weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

function humanConfig(): Record<string, unknown> {
  return {
    backend: 'wasm',
    wasmPath: wasmDir(),
    modelBasePath: `file://${humanPackageDir()}/models/`,
    debug: false,
    cacheModels: false,
    // Every call is a new still photo: never reuse a previous frame's results.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 5, minConfidence: 0.5, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: true, skipFrames: 0, skipTime: 0 },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: {
      enabled: true,
      modelPath: `${OBJECT_MODEL}.json`,
      minConfidence: 0.2,
      maxDetected: 30,
      iouThreshold: 0.4,
      skipFrames: 0,
      skipTime: 0,
    },
  };
}

let loading: Promise<HumanInstance> | null = null;

/** The process-wide Human instance; concurrent first callers share one load. */
export function getHuman(): Promise<HumanInstance> {
  loading ??= (async () => {
    await registerFileLoader();
    // Loaded by absolute path: the package's exports map does not expose the wasm build as a subpath import.
    const { Human } = require(join(humanPackageDir(), 'dist/human.node-wasm.js')) as HumanModule;
    const human = new Human(humanConfig());
    await human.load();
    return human;
  })().catch((error: unknown) => {
    loading = null; // let a later call retry instead of caching the failure forever
    throw error;
  });
  return loading;
}

/** Human and tfjs are not re-entrant on one backend: run one inference at a time (Human's and the embedding's). */
let queue: Promise<unknown> = Promise.resolve();

export function exclusiveTfjs<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task);
  queue = run.catch(() => undefined);
  return run;
}
/**
 * The model input as float32, reused between calls (calls are queued, and tfjs copies the values
 * into wasm memory as the tensor is made): a fresh 2 MB array per photo only fed the garbage collector.
 * Only valid inside exclusiveTfjs, until the next tensor is made from it.
 */
let inputValues = new Float32Array(0);

export function reusedFloats(rgb: Uint8Array): Float32Array {
  if (inputValues.length < rgb.length) inputValues = new Float32Array(rgb.length);
  const values = inputValues.subarray(0, rgb.length);
  values.set(rgb);
  return values;
}

export async function runHuman(rgb: Uint8Array, width: number, height: number): Promise<HumanResult> {
  const human = await getHuman();
  return exclusiveTfjs(async () => {
    // float32 directly: Human would cast an int32 tensor to float32 itself (same values, one copy more).
    const tensor = human.tf.tensor3d(reusedFloats(rgb), [height, width, 3], 'float32');
    try {
      const result = await human.detect(tensor);
      if (result.error) throw new Error(`human: ${result.error}`);
      return { object: result.object, face: result.face };
    } finally {
      tensor.dispose();
    }
  });
}
