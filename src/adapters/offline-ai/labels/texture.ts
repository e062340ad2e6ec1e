/**
 * Fine texture of a photo, measured on every pixel of the model-sized raster (a 4-neighbour
 * Laplacian of luma): sensor noise raises it everywhere, a shallow depth of field leaves it high in
 * the centre only.
 */
import type { RgbImage } from './decode.js';

export interface TextureStats {
  /** Median |Laplacian| of luma ×100. Clean photos measured 0.6–5.9 on the fixtures, the noisy copy 15. */
  noise: number;
  /** Mean |Laplacian| in the central 40 % box ÷ mean |Laplacian| outside it (1 ≈ evenly sharp). */
  centreSharpness: number;
  /** Σ|vertical luma step| ÷ Σ|horizontal luma step|: above 1 when horizontal structure dominates (waves, horizons). */
  horizontality: number;
}

export function measureTexture(image: RgbImage): TextureStats {
  const { data, width, height } = image;
  if (width < 3 || height < 3) return { noise: 0, centreSharpness: 1, horizontality: 1 };
  const luma = new Float32Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    luma[i] =
      (0.2126 * (data[3 * i] ?? 0) + 0.7152 * (data[3 * i + 1] ?? 0) + 0.0722 * (data[3 * i + 2] ?? 0)) / 255;
  }
  // Median by histogram: values are in [0, 4]; 0.0005 bins are far finer than the thresholds used.
  const BINS = 8000;
  const histogram = new Uint32Array(BINS);
  let count = 0;
  let centre = 0;
  let centreCount = 0;
  let outside = 0;
  let outsideCount = 0;
  let stepX = 0;
  let stepY = 0;
  for (let y = 1; y < height - 1; y++) {
    const inRows = Math.abs(y / height - 0.5) < 0.2;
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = luma[i] ?? 0;
      const lap = Math.abs(
        (luma[i - 1] ?? 0) + (luma[i + 1] ?? 0) + (luma[i - width] ?? 0) + (luma[i + width] ?? 0) - 4 * v,
      );
      stepX += Math.abs((luma[i + 1] ?? 0) - v);
      stepY += Math.abs((luma[i + width] ?? 0) - v);
      const bin = Math.min(BINS - 1, Math.floor(lap * 2000));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
      count++;
      if (inRows && Math.abs(x / width - 0.5) < 0.2) {
        centre += lap;
        centreCount++;
      } else {
        outside += lap;
        outsideCount++;
      }
    }
  }
  let seen = 0;
  let medianBin = 0;
  while (medianBin < BINS && seen + (histogram[medianBin] ?? 0) < count / 2)
    seen += histogram[medianBin++] ?? 0;
  const centreMean = centreCount ? centre / centreCount : 0;
  const outsideMean = outsideCount ? outside / outsideCount : 0;
  return {
    noise: ((medianBin + 0.5) / 2000) * 100,
    centreSharpness: outsideMean > 0 ? centreMean / outsideMean : 1,
    horizontality: stepX > 0 ? stepY / stepX : 1,
  };
}
