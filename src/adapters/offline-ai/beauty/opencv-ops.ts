/**
 * The few OpenCV image operations BRISQUE depends on, reproduced closely enough that our scores
 * track `cv::quality::QualityBRISQUE` (OpenCV 4.6, opencv_contrib) to well under one point.
 *
 * OpenCV works in float32 (`BRISQUE_CALC_MAT_TYPE = CV_32F`), so intermediate planes are kept in
 * `Float32Array`s and the arithmetic that matters is rounded with `Math.fround` at the same points
 * OpenCV stores a float. Sums inside a filter tap run in double precision (OpenCV uses float, with
 * FMA in its AVX2 path); that difference is at the level of one float ulp.
 */

/** A single-channel float32 plane. */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

const f32 = Math.fround;

/**
 * `cv::cvtColor(..., COLOR_BGR2GRAY)` on 8-bit input: fixed point with 14 fractional bits
 * (R 4899, G 9617, B 1868, i.e. 0.299/0.587/0.114), rounded, result 8-bit.
 * `pixels` is interleaved RGB(A) or single-channel (which is returned as is).
 */
export function grayFromRgb(pixels: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const n = width * height;
  if (pixels.length < n * channels)
    throw new RangeError('pixel buffer is smaller than width*height*channels');
  if (channels === 1 || channels === 2) {
    // 1 = gray, 2 = gray + alpha: OpenCV's imread(IMREAD_COLOR) replicates gray, so gray stays gray.
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = pixels[i * channels]!;
    return out;
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`unsupported channel count ${channels}`);
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    out[i] = (pixels[p]! * 4899 + pixels[p + 1]! * 9617 + pixels[p + 2]! * 1868 + 8192) >> 14;
  }
  return out;
}

/** `Mat::convertTo(CV_32F, 1/255)`: OpenCV multiplies by the float32 scale. */
export function toUnitFloat(gray: Uint8Array, width: number, height: number, out?: Float32Array): Plane {
  const scale = f32(1 / 255);
  const n = width * height;
  const data = out ?? new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = gray[i]! * scale;
  return { width, height, data };
}

/** OpenCV's bicubic weights (A = -0.75), computed in float as `interpolateCubic` does. */
function cubicWeights(x: number, out: Float32Array, offset: number): void {
  const A = -0.75;
  const x1 = f32(x + 1);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) - 5 * A) * x1) + 8 * A) * x1) - 4 * A);
  const c1 = f32(f32(f32(f32(f32(f32((A + 2) * x) - (A + 3)) * x) * x) + 1));
  const y = f32(1 - x);
  const c2 = f32(f32(f32(f32(f32((A + 2) * y) - (A + 3)) * y) * y) + 1);
  out[offset] = c0;
  out[offset + 1] = c1;
  out[offset + 2] = c2;
  out[offset + 3] = f32(f32(f32(1 - c0) - c1) - c2);
}

/** Source index and weights for each destination coordinate, as in OpenCV's `resizeGeneric`. */
function cubicTaps(srcSize: number, dstSize: number): { index: Int32Array; weights: Float32Array } {
  const scale = srcSize / dstSize; // OpenCV: 1 / (dsize / ssize), in double
  const index = new Int32Array(dstSize * 4);
  const weights = new Float32Array(dstSize * 4);
  for (let d = 0; d < dstSize; d++) {
    const fx = f32((d + 0.5) * scale - 0.5);
    const sx = Math.floor(fx);
    cubicWeights(f32(fx - sx), weights, d * 4);
    for (let k = 0; k < 4; k++) {
      // Out-of-range taps are clamped to the edge (OpenCV's HResizeCubic / row clipping).
      index[d * 4 + k] = Math.min(srcSize - 1, Math.max(0, sx - 1 + k));
    }
  }
  return { index, weights };
}

/**
 * `cv::resize(src, dst, size, 0, 0, INTER_CUBIC)` for a float32 plane. Same size is a copy.
 * `scratch` (>= src.height * dstWidth) and `out` (>= dstWidth * dstHeight) may be supplied to avoid
 * allocation; neither may overlap `src`.
 */
export function resizeCubic(
  src: Plane,
  dstWidth: number,
  dstHeight: number,
  scratch?: Float32Array,
  out: Float32Array = new Float32Array(dstWidth * dstHeight),
): Plane {
  if (dstWidth === src.width && dstHeight === src.height) {
    out.set(src.data.subarray(0, dstWidth * dstHeight));
    return { width: dstWidth, height: dstHeight, data: out };
  }
  const xs = cubicTaps(src.width, dstWidth);
  const ys = cubicTaps(src.height, dstHeight);

  // Horizontal pass on every source row, then the vertical pass (OpenCV buffers rows the same way).
  const horiz = scratch ?? new Float32Array(src.height * dstWidth);
  const s = src.data;
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width;
    const outRow = y * dstWidth;
    for (let d = 0; d < dstWidth; d++) {
      const t = d * 4;
      const w = xs.weights;
      const ix = xs.index;
      let v = f32(s[row + ix[t]!]! * w[t]!);
      v = f32(v + f32(s[row + ix[t + 1]!]! * w[t + 1]!));
      v = f32(v + f32(s[row + ix[t + 2]!]! * w[t + 2]!));
      v = f32(v + f32(s[row + ix[t + 3]!]! * w[t + 3]!));
      horiz[outRow + d] = v;
    }
  }
  const simdEnd = dstWidth - (dstWidth % 4);
  for (let d = 0; d < dstHeight; d++) {
    const t = d * 4;
    const b0 = ys.weights[t]!;
    const b1 = ys.weights[t + 1]!;
    const b2 = ys.weights[t + 2]!;
    const b3 = ys.weights[t + 3]!;
    const r0 = ys.index[t]! * dstWidth;
    const r1 = ys.index[t + 1]! * dstWidth;
    const r2 = ys.index[t + 2]! * dstWidth;
    const r3 = ys.index[t + 3]! * dstWidth;
    const outRow = d * dstWidth;
    for (let x = 0; x < simdEnd; x++) {
      // VResizeCubicVec_32f (4-lane SIMD): b0*S0 + (b1*S1 + (b2*S2 + b3*S3)) in float.
      const inner = f32(f32(horiz[r2 + x]! * b2) + f32(horiz[r3 + x]! * b3));
      const mid = f32(f32(horiz[r1 + x]! * b1) + inner);
      out[outRow + x] = f32(f32(horiz[r0 + x]! * b0) + mid);
    }
    for (let x = simdEnd; x < dstWidth; x++) {
      // Scalar tail of VResizeCubic: ((b0*S0 + b1*S1) + b2*S2) + b3*S3.
      const a = f32(f32(horiz[r0 + x]! * b0) + f32(horiz[r1 + x]! * b1));
      const b = f32(a + f32(horiz[r2 + x]! * b2));
      out[outRow + x] = f32(b + f32(horiz[r3 + x]! * b3));
    }
  }
  return { width: dstWidth, height: dstHeight, data: out };
}

/** `cv::getGaussianKernel(n, sigma, CV_32F)`: exp(-x^2 / (2 sigma^2)), normalised, then cast to float. */
export function gaussianKernel(n: number, sigma: number): Float32Array {
  const half = (n - 1) / 2;
  const raw: number[] = [];
  for (let i = 0; i < n; i++) raw.push(Math.exp((-0.5 * (i - half) * (i - half)) / (sigma * sigma)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return Float32Array.from(raw.map((v) => v / sum));
}

/**
 * `cv::GaussianBlur(src, dst, Size(n, n), sigma, 0, BORDER_REPLICATE)` for a float32 plane:
 * a separable filter, rows first, edge pixels replicated. The accumulation order and the fused
 * multiply-adds follow OpenCV's AVX2 path (`RowVec_32f`, `SymmColumnVec_32f`): rows accumulate
 * taps left to right, columns start from the centre tap and add mirrored pairs outwards. An FMA is
 * emulated as `fround(a * b + c)`: the float product is exact in double, so only the final
 * rounding differs, and only in rare double-rounding ties. Matching OpenCV to the last bit
 * matters here: on flat areas `blur(I^2) - blur(I)^2` is a few ulps either side of zero, and
 * OpenCV's MSCN is NaN (then counted as zero) exactly where it comes out negative.
 */
export function gaussianBlur(
  src: Plane,
  kernel: Float32Array,
  scratch: Float32Array = new Float32Array(src.width * src.height),
  out: Float32Array = new Float32Array(src.width * src.height),
): Plane {
  // `out` may be `src.data` (the row pass reads src fully before the column pass writes out).
  if (kernel.length !== 7) throw new RangeError('gaussianBlur is specialised for 7-tap kernels');
  const { width, height } = src;
  const s = src.data;
  const [k0, k1, k2, k3, k4, k5, k6] = kernel as unknown as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const rows = scratch;
  const padded = new Float32Array(width + 6);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    padded.set(s.subarray(base, base + width), 3);
    const first = s[base]!;
    const last = s[base + width - 1]!;
    padded[0] = padded[1] = padded[2] = first;
    padded[width + 3] = padded[width + 4] = padded[width + 5] = last;
    for (let x = 0; x < width; x++) {
      let acc = f32(padded[x]! * k0);
      acc = f32(padded[x + 1]! * k1 + acc);
      acc = f32(padded[x + 2]! * k2 + acc);
      acc = f32(padded[x + 3]! * k3 + acc);
      acc = f32(padded[x + 4]! * k4 + acc);
      acc = f32(padded[x + 5]! * k5 + acc);
      rows[base + x] = padded[x + 6]! * k6 + acc;
    }
  }
  const clampRow = (y: number) => Math.min(height - 1, Math.max(0, y)) * width;
  for (let y = 0; y < height; y++) {
    const m3 = clampRow(y - 3);
    const m2 = clampRow(y - 2);
    const m1 = clampRow(y - 1);
    const c = y * width;
    const p1 = clampRow(y + 1);
    const p2 = clampRow(y + 2);
    const p3 = clampRow(y + 3);
    for (let x = 0; x < width; x++) {
      let acc = f32(rows[c + x]! * k3);
      acc = f32(f32(rows[p1 + x]! + rows[m1 + x]!) * k4 + acc);
      acc = f32(f32(rows[p2 + x]! + rows[m2 + x]!) * k5 + acc);
      out[c + x] = f32(rows[p3 + x]! + rows[m3 + x]!) * k6 + acc;
    }
  }
  return { width, height, data: out };
}
