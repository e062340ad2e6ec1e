/**
 * The CNN embedding reduced to a few numbers for the scene model: square roots of the pooled
 * activations (tames their long tail), centred and projected on principal axes fitted on the
 * evaluation's tuning half (scripts/eval/fit-scene.ts writes embedding-projection.ts).
 */
import { EMBEDDING_PROJECTION } from './embedding-projection.js';

export interface EmbeddingProjection {
  mean: readonly number[];
  components: readonly (readonly number[])[];
}

/** The committed projection is stored compactly (float32 mean, int8 axes with a scale each). */
export interface StoredProjection {
  dim: number;
  components: number;
  mean: string;
  scales: readonly number[];
  axes: string;
}

export function decodeProjection(stored: StoredProjection): EmbeddingProjection {
  const meanBytes = Buffer.from(stored.mean, 'base64');
  const mean = Array.from(new Float32Array(meanBytes.buffer, meanBytes.byteOffset, stored.dim));
  const axes = new Int8Array(Buffer.from(stored.axes, 'base64'));
  const components = stored.scales.map((scale, i) =>
    Array.from(axes.subarray(i * stored.dim, (i + 1) * stored.dim), (q) => q * scale),
  );
  return { mean, components };
}

export function encodeProjection(projection: EmbeddingProjection): StoredProjection {
  const dim = projection.mean.length;
  const scales = projection.components.map((axis) => Math.max(...axis.map(Math.abs)) / 127);
  const axes = new Int8Array(dim * scales.length);
  projection.components.forEach((axis, i) =>
    axis.forEach((v, j) => (axes[i * dim + j] = Math.round(v / scales[i]!))),
  );
  return {
    dim,
    components: scales.length,
    mean: Buffer.from(Float32Array.from(projection.mean).buffer).toString('base64'),
    scales,
    axes: Buffer.from(axes.buffer).toString('base64'),
  };
}

/** The transform applied to every embedding before projecting it (fitting included). */
export function rootEmbedding(embedding: readonly number[]): number[] {
  return embedding.map((v) => Math.sqrt(Math.max(0, v)));
}

let committed: EmbeddingProjection | undefined;

export function committedProjection(): EmbeddingProjection {
  committed ??= decodeProjection(EMBEDDING_PROJECTION);
  return committed;
}

export function projectEmbedding(
  embedding: readonly number[],
  projection: EmbeddingProjection = committedProjection(),
): number[] {
  if (embedding.length !== projection.mean.length)
    throw new Error(
      `embedding has ${embedding.length} values, the projection expects ${projection.mean.length}`,
    );
  const rooted = rootEmbedding(embedding);
  return projection.components.map((axis) =>
    axis.reduce((sum, w, j) => sum + w * (rooted[j]! - projection.mean[j]!), 0),
  );
}
