/**
 * A CNN image embedding for the scene model: the global-average-pooled last feature map (1280 numbers)
 * of the MobileNetV2 backbone that ships, weights included, inside the `nsfwjs` npm package (MIT). Its
 * backbone layers are ImageNet-pretrained and were frozen when nsfwjs fine-tuned its head, so the
 * pooled features are plain ImageNet features; the NSFW head is never run. The model is read from the
 * installed package's files (nothing is fetched), loaded once per process (per piscina thread), and run
 * on the same tfjs-core + wasm backend as Human, in Human's queue (tfjs is not re-entrant).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { exclusiveTfjs, getHuman, reusedFloats } from './human-runtime.js';

const require = createRequire(import.meta.url);

/**
 * The backbone's input side (nsfwjs uses 224; on the tuning half 160 fitted as well — mean CV log-loss
 * of the ten coarse labels 0.390 against 0.397 — at about 60 % of the cost), and the layer pooled.
 */
const SIDE = 160;
const FEATURE_LAYER = 'out_relu';
export const EMBEDDING_MODEL = 'nsfwjs-mobilenet_v2-gap';

interface Tensor {
  dispose(): void;
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
}
interface TfCore {
  tidy<T>(fn: () => T): T;
  tensor3d(values: Float32Array, shape: [number, number, number], dtype: 'float32'): Tensor;
  zeros(shape: number[]): Tensor;
  io: { fromMemory(artifacts: Record<string, unknown>): unknown };
  image: { resizeBilinear(t: Tensor, size: [number, number], alignCorners: boolean): Tensor };
  div(a: Tensor, b: number): Tensor;
  expandDims(t: Tensor, axis: number): Tensor;
  mean(t: Tensor, axes: number[]): Tensor;
}
interface LayersModel {
  predict(t: Tensor): Tensor;
}
interface TfLayers {
  loadLayersModel(handler: unknown, options: { strict: boolean }): Promise<LayersModel>;
}

interface KerasLayer {
  name: string;
  config: Record<string, unknown>;
}
interface ModelJson {
  modelTopology: { model_config: { config: { layers: KerasLayer[]; output_layers: unknown[] } } };
  weightsManifest: { paths: string[]; weights: unknown[] }[];
}

function modelDir(): string {
  // The exports map hides the model bundles; the CommonJS entry sits in <package>/dist/cjs/.
  return join(dirname(dirname(dirname(require.resolve('nsfwjs')))), 'dist/models/mobilenet_v2');
}

/**
 * The backbone only: the Keras topology cut after FEATURE_LAYER (the NSFW head is dropped, its
 * weights ignored), its input set to SIDE×SIDE (the network is fully convolutional up to there).
 */
function backboneTopology(json: ModelJson): unknown {
  const config = json.modelTopology.model_config.config;
  const last = config.layers.findIndex((layer) => layer.name === FEATURE_LAYER);
  if (last < 0) throw new Error(`nsfwjs model has no layer ${FEATURE_LAYER}`);
  const layers = config.layers
    .slice(0, last + 1)
    .map((layer, i) =>
      i === 0 ? { ...layer, config: { ...layer.config, batch_input_shape: [null, SIDE, SIDE, 3] } } : layer,
    );
  return {
    ...json.modelTopology,
    model_config: {
      ...json.modelTopology.model_config,
      config: { ...config, layers, output_layers: [[FEATURE_LAYER, 0, 0]] },
    },
  };
}

/**
 * nsfwjs bundles model.json and each weight shard as CommonJS modules (the JSON object, and the
 * shard's bytes as base64): read them with require, as its own loader does with import.
 */
function modelArtifacts(): Record<string, unknown> {
  const dir = modelDir();
  const unwrap = <T>(m: T | { default: T }): T =>
    typeof m === 'object' && m !== null && 'default' in m ? m.default : m;
  const json = unwrap(require(join(dir, 'model.min.js')) as ModelJson | { default: ModelJson });
  const shards = json.weightsManifest.flatMap((group) =>
    group.paths.map((path) =>
      Buffer.from(unwrap(require(join(dir, `${path}.min.js`)) as string | { default: string }), 'base64'),
    ),
  );
  const weights = Buffer.concat(shards);
  return {
    modelTopology: backboneTopology(json),
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

let loading: Promise<LayersModel> | null = null;

/** The backbone up to its last feature map, loaded once per process; concurrent callers share one load. */
export function getEmbeddingModel(): Promise<LayersModel> {
  loading ??= (async () => {
    await getHuman(); // Human selects and initialises the wasm backend this model runs on
    // The CommonJS builds: the same tfjs-core instance Human registered its backend with.
    const tf = require('@tensorflow/tfjs-core') as TfCore;
    const tfl = require('@tensorflow/tfjs-layers') as TfLayers;
    // Not strict: the dropped head's weights are in the shard and are skipped.
    return tfl.loadLayersModel(tf.io.fromMemory(modelArtifacts()), { strict: false });
  })().catch((error: unknown) => {
    loading = null; // let a later call retry instead of caching the failure forever
    throw error;
  });
  return loading;
}

/**
 * The embedding of an RGB raster (any size: squeezed to SIDE×SIDE as nsfwjs does, pixels scaled to 0..1),
 * each value rounded to 4 decimals (plain JSON numbers for the evaluation's cache).
 */
export async function embed(rgb: Uint8Array, width: number, height: number): Promise<number[]> {
  const model = await getEmbeddingModel();
  const tf = require('@tensorflow/tfjs-core') as TfCore;
  return exclusiveTfjs(async () => {
    const pooled = tf.tidy(() => {
      const pixels = tf.tensor3d(reusedFloats(rgb), [height, width, 3], 'float32');
      const scaled = tf.div(pixels, 255);
      const resized = tf.image.resizeBilinear(scaled, [SIDE, SIDE], true);
      return tf.mean(model.predict(tf.expandDims(resized, 0)), [0, 1, 2]);
    });
    try {
      return Array.from(await pooled.data(), (v) => Math.round(v * 10000) / 10000);
    } finally {
      pooled.dispose();
    }
  });
}
