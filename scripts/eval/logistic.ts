/**
 * L2-regularised logistic regression by gradient descent, and its k-fold cross-validation: small,
 * deterministic, enough for the evaluation's few dozen rows (scripts/eval/fit-*.ts).
 */
export const FOLDS = 4;
const STEPS = 3000;
const RATE = 0.1;

export function predict(w: readonly number[], x: readonly number[]): number {
  const logit = x.reduce((a, v, j) => a + v * w[j + 1]!, w[0]!);
  return 1 / (1 + Math.exp(-logit));
}

/** Mean log-loss of held-out folds (rows assigned to folds in order, which the hash split already shuffled). */
export function crossValidated(xs: number[][], ys: number[], lambda: number): number {
  let loss = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const trainX = xs.filter((_, i) => i % FOLDS !== fold);
    const trainY = ys.filter((_, i) => i % FOLDS !== fold);
    const w = fit(trainX, trainY, lambda);
    xs.forEach((x, i) => {
      if (i % FOLDS !== fold) return;
      const p = Math.min(1 - 1e-6, Math.max(1e-6, predict(w, x)));
      loss -= ys[i]! ? Math.log(p) : Math.log(1 - p);
    });
  }
  return loss / xs.length;
}

/**
 * [bias, ...weights]. Without `prior`, the weights are pulled toward 0 and the bias is free; with one,
 * every parameter is pulled toward the prior's (partial pooling: a small group shrunk toward its
 * parent's fit), the step scaled by rows + λ so that a strong pull cannot overshoot.
 */
export function fit(xs: number[][], ys: number[], lambda: number, prior?: readonly number[]): number[] {
  const d = (xs[0]?.length ?? 0) + 1;
  const w = prior ? [...prior] : new Array<number>(d).fill(0);
  for (let step = 0; step < STEPS; step++) {
    const grad = new Array<number>(d).fill(0);
    for (let i = 0; i < xs.length; i++) {
      const x = [1, ...xs[i]!];
      const p = 1 / (1 + Math.exp(-x.reduce((a, v, j) => a + v * w[j]!, 0)));
      for (let j = 0; j < d; j++) grad[j]! += (p - ys[i]!) * x[j]!;
    }
    for (let j = 0; j < d; j++) {
      if (prior) w[j]! -= (RATE * (grad[j]! + lambda * (w[j]! - prior[j]!))) / (xs.length + lambda);
      else w[j]! -= RATE * (grad[j]! / xs.length + (j === 0 ? 0 : (lambda * w[j]!) / xs.length));
    }
  }
  return w;
}
