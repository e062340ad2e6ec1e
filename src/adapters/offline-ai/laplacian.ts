/**
 * The 4-neighbour Laplacian of one channel, summed over the interior pixels: the focus measure that
 * both the label detector's texture statistics (labels/texture.ts) and the beauty scorer's signals
 * (beauty/signals.ts) are built on. One pass gives its variance, how sharp the centre is against
 * the rest and, if asked, a histogram of its magnitude (for a median).
 */

export interface LaplacianSums {
  /** Interior pixels, (width - 2) × (height - 2). */
  count: number;
  /** Σ Laplacian and Σ Laplacian², for its variance. */
  sum: number;
  sumSq: number;
  /** Σ |Laplacian| inside the central 40 % box (|x/width − ½| < 0.2 and likewise for y) and outside it. */
  centre: number;
  centreCount: number;
  outside: number;
  outsideCount: number;
}

/** The columns x in [1, width − 1) inside the central box: an interval, since x/width grows with x. */
function centreColumns(width: number): [start: number, end: number] {
  let start = -1;
  let end = -1;
  for (let x = 1; x < width - 1; x++) {
    if (Math.abs(x / width - 0.5) < 0.2) {
      if (start < 0) start = x;
      end = x + 1;
    }
  }
  return start < 0 ? [1, 1] : [start, end];
}

/** Counts of |Laplacian| in bins of width 1/scale; the last bin takes everything above. */
export interface MagnitudeHistogram {
  bins: Uint32Array;
  scale: number;
}

/**
 * Laplacian sums of `values` (a width × height raster, row-major), in row-major order (so float sums
 * come out the same as a plain loop's), and `histogram` filled if given. Needs width, height ≥ 3.
 */
export function laplacianSums(
  values: Float32Array | Uint8Array,
  width: number,
  height: number,
  histogram?: MagnitudeHistogram,
): LaplacianSums {
  const [cx0, cx1] = centreColumns(width);
  let sum = 0;
  let sumSq = 0;
  let centre = 0;
  let outside = 0;
  let centreCount = 0;
  const keep = histogram !== undefined;
  const bins = histogram?.bins ?? new Uint32Array(1);
  const scale = histogram?.scale ?? 0;
  const last = bins.length - 1;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    const inRows = Math.abs(y / height - 0.5) < 0.2;
    // The centre box's columns in this row (none outside its rows).
    const a = inRows ? cx0 : width - 1;
    const b = inRows ? cx1 : width - 1;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const lap = values[i - 1]! + values[i + 1]! + values[i - width]! + values[i + width]! - 4 * values[i]!;
      const abs = Math.abs(lap);
      sum += lap;
      sumSq += lap * lap;
      if (x >= a && x < b) centre += abs;
      else outside += abs;
      if (keep) bins[Math.min(last, Math.floor(abs * scale))]!++;
    }
    centreCount += b - a;
  }
  const count = Math.max(0, width - 2) * Math.max(0, height - 2);
  return { count, sum, sumSq, centre, centreCount, outside, outsideCount: count - centreCount };
}
