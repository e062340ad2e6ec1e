/**
 * Asymmetric generalised Gaussian fit by moment matching, as OpenCV's BRISQUE `AGGDfit` does it:
 * left/right sigmas from the mean squares of the negative/positive values, then a grid search
 * (gamma = 0.2, 0.201, ... < 10) for the shape whose moment ratio is closest to the sample's.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** The gamma function (C's `tgamma`), Lanczos approximation; ~1e-15 relative error for x > 0. */
export function tgamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * tgamma(1 - x));
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

interface GammaGrid {
  gam: Float64Array;
  ratio: Float64Array;
}

let grid: GammaGrid | undefined;

/** r(gam) = Γ(2/γ)² / (Γ(1/γ) Γ(3/γ)) on OpenCV's grid, accumulated in double exactly as its loop does. */
function gammaGrid(): GammaGrid {
  if (grid) return grid;
  const gams: number[] = [];
  for (let g = 0.2; g < 10; g += 0.001) gams.push(g);
  const gam = Float64Array.from(gams);
  const ratio = gam.map((g) => (tgamma(2 / g) * tgamma(2 / g)) / (tgamma(1 / g) * tgamma(3 / g)));
  grid = { gam, ratio };
  return grid;
}

export interface AggdFit {
  /** Shape parameter. */
  gamma: number;
  leftSigma: number;
  rightSigma: number;
}

/** Sufficient statistics of a sample for the AGGD fit. */
interface Moments {
  posCount: number;
  negCount: number;
  posSq: number;
  negSq: number;
  absSum: number;
  total: number;
}

/**
 * Fits an AGGD to `values`. NaN entries (OpenCV produces them where float rounding makes the local
 * variance slightly negative) count as zero: OpenCV's SIMD `max`/`min` and `patchNaNs` map them to
 * 0, so they are in the total count but in neither the positive nor the negative count.
 */
export function aggdFit(values: Float32Array): AggdFit {
  let posCount = 0;
  let negCount = 0;
  let posSq = 0;
  let negSq = 0;
  let absSum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) {
      posCount++;
      posSq += Math.fround(v * v);
      absSum += v;
    } else if (v < 0) {
      negCount++;
      negSq += Math.fround(v * v);
      absSum -= v;
    }
  }
  return fitMoments({ posCount, negCount, posSq, negSq, absSum, total: values.length });
}

/**
 * All five BRISQUE fits of one scale in a single pass: the MSCN plane itself, then its products with
 * the neighbour right, below, below-right and above-right (OpenCV's H, V, D1, D2 shifts), zero where
 * the neighbour is outside the image. Same results as `aggdFit` on each product plane, but one read of
 * the plane and no data-dependent branches (the signs are random, so branches mispredict).
 *
 * `m` must contain no NaN: `mscn` writes 0 where OpenCV has NaN, which OpenCV's fit treats as 0
 * too (and NaN times a neighbour is NaN there, just as 0 times a neighbour is 0 here).
 */
export function aggdFitScale(m: Float32Array, width: number, height: number): AggdFit[] {
  const sets = [new Moments5(), new Moments5(), new Moments5(), new Moments5(), new Moments5()] as const;
  const [self, right, down, downRight, upRight] = sets;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const last = row + width - 1;
    const hasDown = y + 1 < height;
    const hasUp = y > 0;
    for (let i = row; i < last; i++) {
      const v = m[i]!;
      self.add(v);
      right.add(Math.fround(v * m[i + 1]!));
      if (hasDown) {
        down.add(Math.fround(v * m[i + width]!));
        downRight.add(Math.fround(v * m[i + width + 1]!));
      }
      if (hasUp) upRight.add(Math.fround(v * m[i - width + 1]!));
    }
    // Last column: no right-hand neighbour.
    const v = m[last]!;
    self.add(v);
    if (hasDown) down.add(Math.fround(v * m[last + width]!));
  }
  const total = width * height;
  return sets.map((set) => fitMoments({ ...set, total }));
}

class Moments5 {
  posCount = 0;
  negCount = 0;
  posSq = 0;
  negSq = 0;
  absSum = 0;
  add(v: number): void {
    const q = Math.fround(v * v);
    const pos = +(v > 0);
    const neg = +(v < 0);
    this.posCount += pos;
    this.negCount += neg;
    this.posSq += q * pos;
    this.negSq += q * neg;
    this.absSum += Math.abs(v);
  }
}

function fitMoments({ posCount, negCount, posSq, negSq, absSum, total }: Moments): AggdFit {
  const leftSigma = Math.sqrt(negSq / negCount);
  const rightSigma = Math.sqrt(posSq / posCount);
  const gammaHat = leftSigma / rightSigma;
  const rHat = (absSum / total) ** 2 / ((negSq + posSq) / total);
  const rHatNorm = (rHat * (gammaHat ** 3 + 1) * (gammaHat + 1)) / (gammaHat ** 2 + 1) ** 2;

  // OpenCV scans gamma upwards and stops as soon as the mismatch grows.
  const { gam, ratio } = gammaGrid();
  let prevGamma = 0;
  let prevDiff = 1e10;
  for (let i = 0; i < gam.length; i++) {
    const diff = Math.abs(ratio[i]! - rHatNorm);
    if (diff > prevDiff) break;
    prevDiff = diff;
    prevGamma = gam[i]!;
  }
  return { gamma: prevGamma, leftSigma, rightSigma };
}
