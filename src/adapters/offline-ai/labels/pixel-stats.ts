/** Colour and texture statistics of a photo, measured on a coarse grid (about 96 samples across). */
import type { RgbImage } from './decode.js';

export interface PixelStats {
  /** Fraction of the top third that is sky-blue. */
  blueTop: number;
  /** Fraction of the top third with little texture (clear sky, walls, studio backdrops). */
  smoothTop: number;
  /** Fraction of the whole image that is foliage green. */
  green: number;
  meanBrightness: number;
  meanSaturation: number;
  /** Fraction of samples with (almost) no colour. */
  colourless: number;
  /** Fraction of samples darker than 20 %. */
  dark: number;
  /** Fraction of the whole image with a clear blue hue (190–260°), however dim: the blue-hour cast. */
  blueCast: number;
  /** Median brightness (HSV value) of the top third: a dusk sky still glows, a black backdrop does not. */
  topMedianValue: number;
  /** Fraction of samples with luma above 55 % (paper, snow, bright walls). */
  bright: number;
  /** Fraction of samples at least 15 % (luma) darker than the median: marks on a page, shadows. */
  marks: number;
}

const GRID = 96;

function hsv(r: number, g: number, b: number): [hue: number, saturation: number, value: number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  let hue = 0;
  if (delta > 0) {
    if (max === r) hue = ((g - b) / delta) % 6;
    else if (max === g) hue = (b - r) / delta + 2;
    else hue = (r - g) / delta + 4;
    hue *= 60;
    if (hue < 0) hue += 360;
  }
  return [hue, max === 0 ? 0 : delta / max, max / 255];
}

export function measurePixels(image: RgbImage): PixelStats {
  const { data, width, height } = image;
  const step = Math.max(1, Math.ceil(Math.max(width, height) / GRID));
  const at = (x: number, y: number) => (y * width + x) * 3;
  let samples = 0;
  let topSamples = 0;
  const sum = {
    blueTop: 0,
    smoothTop: 0,
    green: 0,
    brightness: 0,
    saturation: 0,
    colourless: 0,
    dark: 0,
    blueCast: 0,
    bright: 0,
  };
  const topValues: number[] = [];
  const lumas: number[] = [];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = at(x, y);
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      const [hue, saturation, value] = hsv(r, g, b);
      samples++;
      sum.brightness += value;
      sum.saturation += saturation;
      if (saturation < 0.08) sum.colourless++;
      if (value < 0.2) sum.dark++;
      const luma = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      lumas.push(luma);
      if (luma > 0.55) sum.bright++;
      if (hue >= 190 && hue <= 260 && saturation > 0.3 && value > 0.12) sum.blueCast++;
      if (hue >= 65 && hue <= 170 && saturation > 0.2 && value > 0.12) sum.green++;
      if (y < height / 3) {
        topSamples++;
        topValues.push(value);
        if (hue >= 185 && hue <= 250 && saturation > 0.15 && value > 0.3) sum.blueTop++;
        const right = at(Math.min(width - 1, x + step), y);
        const below = at(x, Math.min(height - 1, y + step));
        let gradient = 0;
        for (let c = 0; c < 3; c++) {
          gradient +=
            Math.abs((data[i + c] ?? 0) - (data[right + c] ?? 0)) +
            Math.abs((data[i + c] ?? 0) - (data[below + c] ?? 0));
        }
        if (gradient / 6 / 255 < 0.03) sum.smoothTop++;
      }
    }
  }
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  const medianLuma = median(lumas);
  const marks = lumas.filter((luma) => luma < medianLuma - 0.15).length;
  return {
    blueTop: share(sum.blueTop, topSamples),
    smoothTop: share(sum.smoothTop, topSamples),
    green: share(sum.green, samples),
    meanBrightness: share(sum.brightness, samples),
    meanSaturation: share(sum.saturation, samples),
    colourless: share(sum.colourless, samples),
    dark: share(sum.dark, samples),
    blueCast: share(sum.blueCast, samples),
    topMedianValue: median(topValues),
    bright: share(sum.bright, samples),
    marks: share(marks, samples),
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
