/**
 * Evaluates OpenCV's epsilon-SVR with an RBF kernel (`cv::ml::SVM::predict`) on one feature
 * vector, after BRISQUE's range scaling (`quality_utils::scale` to [-1, 1]).
 *
 *   x'_k = -1 + 2 (x_k - min_k) / (max_k - min_k)            (float32, as OpenCV)
 *   f(x) = sum_i alpha_i exp(-gamma |sv_i - x'|^2) - rho
 */
import type { BrisqueModel } from './yaml-model.js';

const f32 = Math.fround;

/** Scales features to [-1, 1] with the model's training range (float32 arithmetic). */
export function scaleFeatures(model: BrisqueModel, features: Float32Array): Float32Array {
  if (features.length !== model.varCount) {
    throw new RangeError(`expected ${model.varCount} features, got ${features.length}`);
  }
  const out = new Float32Array(features.length);
  for (let k = 0; k < features.length; k++) {
    const lo = model.rangeMin[k]!;
    const hi = model.rangeMax[k]!;
    out[k] = f32(-1 + f32(f32(2 * f32(features[k]! - lo)) / f32(hi - lo)));
  }
  return out;
}

/** The raw (unclamped) SVR output for unscaled BRISQUE features. */
export function predictSvr(model: BrisqueModel, features: Float32Array): number {
  const x = scaleFeatures(model, features);
  const { supportVectors: sv, varCount, svCount, alpha, gamma } = model;
  let sum = -model.rho;
  for (let i = 0; i < svCount; i++) {
    const base = i * varCount;
    let s = 0;
    for (let k = 0; k < varCount; k++) {
      const t = f32(sv[base + k]! - x[k]!); // float subtraction, squared and summed in double
      s += t * t;
    }
    // OpenCV stores -gamma*s as float and applies a float exp.
    sum += alpha[i]! * f32(Math.exp(f32(-gamma * s)));
  }
  return f32(sum);
}
