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
  const leftSigma = Math.sqrt(negSq / negCount);
  const rightSigma = Math.sqrt(posSq / posCount);
  const gammaHat = leftSigma / rightSigma;
  const total = values.length;
  const rHat = (absSum / total) ** 2 / ((negSq + posSq) / total);
  const rHatNorm = (rHat * (gammaHat ** 3 + 1) * (gammaHat + 1)) / (gammaHat ** 2 + 1) ** 2;

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
