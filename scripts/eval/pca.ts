/**
 * Principal components of a few dozen high-dimensional rows (the CNN embeddings of the tuning half),
 * through the small n×n Gram matrix and Jacobi's eigenvalue method: exact, deterministic, no library.
 */

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return { values: order.map((i) => a[i]![i]!), vectors: order.map((i) => v.map((row) => row[i]!)) };
}

export interface Pca {
  mean: number[];
  /** Unit principal axes, largest variance first. */
  components: number[][];
}

export function fitPca(rows: readonly (readonly number[])[], k: number): Pca {
  const d = rows[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  const centred = rows.map((r) => r.map((v, j) => v - mean[j]!));
  const gram = centred.map((a) => centred.map((b) => a.reduce((s, v, j) => s + v * b[j]!, 0)));
  const { values, vectors } = symmetricEigen(gram);
  const components = vectors.slice(0, k).map((u, i) => {
    const axis = new Array<number>(d).fill(0);
    u.forEach((weight, r) => centred[r]!.forEach((value, j) => (axis[j]! += weight * value)));
    const norm = Math.sqrt(Math.max(values[i]!, 1e-12));
    return axis.map((x) => x / norm);
  });
  return { mean, components };
}
