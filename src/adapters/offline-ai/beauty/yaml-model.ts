/**
 * Loads OpenCV's pretrained BRISQUE files (`cv::ml::SVM` YAML and the feature range matrix).
 *
 * OpenCV's FileStorage YAML is almost YAML 1.1: it opens with a non-standard `%YAML:1.0`
 * directive (the `yaml` library only warns about it; we drop the line so parsing is clean) and
 * tags matrices with `!!opencv-matrix`, which we register as a custom tag that resolves to the
 * plain `{rows, cols, dt, data}` mapping. Everything is then validated with zod, so a corrupt or
 * foreign file fails loudly at load time instead of producing silent nonsense scores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type CollectionTag } from 'yaml';
import { z } from 'zod';

export interface BrisqueModel {
  /** Feature count (36 for BRISQUE). */
  varCount: number;
  /** RBF kernel gamma: K(a, b) = exp(-gamma * |a - b|^2). */
  gamma: number;
  /** Decision function offset: f(x) = sum(alpha_i K(sv_i, x)) - rho. */
  rho: number;
  alpha: Float64Array;
  /** Support vectors, row-major `svCount x varCount`, float32 as stored by OpenCV. */
  supportVectors: Float32Array;
  svCount: number;
  /** Per-feature min/max observed in training; features are scaled to [-1, 1] with them. */
  rangeMin: Float32Array;
  rangeMax: Float32Array;
}

export const MODEL_FILE = 'brisque_model_live.yml';
export const RANGE_FILE = 'brisque_range_live.yml';

/** `!!opencv-matrix` resolves to its mapping; the schema below checks its shape. */
const opencvMatrixTag: CollectionTag = {
  tag: 'tag:yaml.org,2002:opencv-matrix',
  collection: 'map',
  resolve: (map) => map,
};

function parseOpenCvYaml(text: string): unknown {
  const withoutDirective = text.replace(/^%YAML:\d+\.\d+[^\n]*\n/, '');
  return parse(withoutDirective, { customTags: [opencvMatrixTag], maxAliasCount: 0 });
}

const numberList = z.array(z.number());

const svmSchema = z.object({
  opencv_ml_svm: z.object({
    svmType: z.literal('EPS_SVR'),
    kernel: z.object({ type: z.literal('RBF'), gamma: z.number().positive() }),
    var_count: z.number().int().positive(),
    sv_total: z.number().int().positive(),
    support_vectors: z.array(numberList),
    decision_functions: z
      .array(
        z.object({
          sv_count: z.number().int().positive(),
          rho: z.number(),
          alpha: numberList,
          index: numberList.optional(),
        }),
      )
      .length(1),
  }),
});

const rangeSchema = z.object({
  range: z.object({
    rows: z.literal(2),
    cols: z.number().int().positive(),
    dt: z.literal('f'),
    data: numberList,
  }),
});

/** Builds the model from the two files' text (pure; used by `loadBrisqueModel` and tests). */
export function parseBrisqueModel(modelYaml: string, rangeYaml: string): BrisqueModel {
  const svm = svmSchema.parse(parseOpenCvYaml(modelYaml)).opencv_ml_svm;
  const range = rangeSchema.parse(parseOpenCvYaml(rangeYaml)).range;
  const df = svm.decision_functions[0]!;
  const varCount = svm.var_count;
  const svCount = svm.sv_total;

  if (svm.support_vectors.length !== svCount) throw new Error(`expected ${svCount} support vectors`);
  if (df.sv_count !== svCount || df.alpha.length !== svCount)
    throw new Error('decision function size mismatch');
  if (df.index && df.index.some((v, i) => v !== i))
    throw new Error('compressed SVM indices are not supported');
  if (range.cols !== varCount || range.data.length !== 2 * varCount) throw new Error('range size mismatch');

  const supportVectors = new Float32Array(svCount * varCount);
  svm.support_vectors.forEach((row, i) => {
    if (row.length !== varCount) throw new Error(`support vector ${i} has ${row.length} values`);
    supportVectors.set(row, i * varCount);
  });

  return {
    varCount,
    gamma: svm.kernel.gamma,
    rho: df.rho,
    alpha: Float64Array.from(df.alpha),
    supportVectors,
    svCount,
    rangeMin: Float32Array.from(range.data.slice(0, varCount)),
    rangeMax: Float32Array.from(range.data.slice(varCount)),
  };
}

/** Finds `models/brisque` by walking up from this module (works from `src/` and from `dist/`). */
export function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'models', 'brisque');
    if (existsSync(join(candidate, MODEL_FILE))) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir)
      throw new Error(`models/brisque/${MODEL_FILE} not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const cache = new Map<string, BrisqueModel>();

/** Reads and parses the model once per process (per directory). */
export function loadBrisqueModel(modelDir: string = defaultModelDir()): BrisqueModel {
  const key = resolve(modelDir);
  let model = cache.get(key);
  if (!model) {
    model = parseBrisqueModel(
      readFileSync(join(key, MODEL_FILE), 'utf8'),
      readFileSync(join(key, RANGE_FILE), 'utf8'),
    );
    cache.set(key, model);
  }
  return model;
}
