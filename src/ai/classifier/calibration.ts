// From SVM margins to probabilities, fitted on held-out (cross-validation) scores only. The same
// small fit also blends the models of several families into one: softmax(Σ tₛ·scoresₛ + o) is
// multinomial logistic regression over the models' scores (a weight per model, an offset per
// label), so the blend is weighted by how much each model adds on data it was not trained on, and
// it is still one linear model (Σ tₛ·Wₛ) that stores and predicts like a single one.
import { softmax } from "./model.js";

export interface Blend {
  /** Weight of each source's scores (≥ 0); with one source this is the softmax temperature. */
  weights: number[];
  /** Per-label offsets added after weighting; absent when fitted without them. */
  offsets?: Float64Array;
}

/** Four decimals: what fitted blend weights and stored model figures keep. */
export const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The scale a minimising held-out log-loss of softmax(a · scores); the loss is convex in a. */
export function fitTemperature(scores: Float64Array[], y: ArrayLike<number>): number {
  const nll = (a: number) => {
    let loss = 0;
    scores.forEach((s, i) => (loss -= Math.log(Math.max(softmax(s, a)[y[i]!]!, 1e-12))));
    return loss;
  };
  let lo = Math.log(0.1);
  let hi = Math.log(200);
  for (let it = 0; it < 40; it++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (nll(Math.exp(m1)) <= nll(Math.exp(m2))) hi = m2;
    else lo = m1;
  }
  return round4(Math.exp((lo + hi) / 2));
}

/**
 * Weights t ≥ 0 (one per source) and offsets o minimising the held-out log-loss of
 * softmax(Σ tₛ·sₛ + o) + λ‖o‖². `sources[s][i]` are the scores of example i under model s, all on
 * the same examples. λ = Infinity fits no offsets. Convex; projected gradient descent with a
 * diagonal preconditioner (the weights and the offsets live on very different scales), started
 * from each source's own temperature shared out equally.
 */
export function fitBlend(sources: Float64Array[][], y: ArrayLike<number>, K: number, lambda = Infinity): Blend {
  const S = sources.length;
  const n = sources[0]?.length ?? 0;
  const start = sources.map((scores) => fitTemperature(scores, y) / S);
  const withOffsets = Number.isFinite(lambda) && n > 0;
  if (!withOffsets && S === 1) return { weights: start.map(round4) };
  const P = S + (withOffsets ? K : 0);
  const z = new Float64Array(K);
  // params: [t₁ … t_S, o₁ … o_K]; the diagonal of the Hessian (at the start) preconditions.
  const objective = (params: Float64Array, grad?: Float64Array, diag?: Float64Array): number => {
    let loss = 0;
    grad?.fill(0);
    diag?.fill(0);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let v = withOffsets ? params[S + k]! : 0;
        for (let s = 0; s < S; s++) v += params[s]! * sources[s]![i]![k]!;
        z[k] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - max);
      for (let k = 0; k < K; k++) z[k]! /= sum;
      const gold = y[i]!;
      loss -= Math.log(Math.max(z[gold]!, 1e-300));
      if (!grad) continue;
      for (let s = 0; s < S; s++) {
        const x = sources[s]![i]!;
        let mean = 0;
        let sq = 0;
        for (let k = 0; k < K; k++) {
          mean += z[k]! * x[k]!;
          sq += z[k]! * x[k]! * x[k]!;
        }
        grad[s]! += mean - x[gold]!;
        if (diag) diag[s]! += sq - mean * mean;
      }
      if (withOffsets) {
        for (let k = 0; k < K; k++) {
          grad[S + k]! += z[k]! - (k === gold ? 1 : 0);
          if (diag) diag[S + k]! += z[k]! * (1 - z[k]!);
        }
      }
    }
    if (withOffsets) {
      for (let k = 0; k < K; k++) {
        loss += lambda * params[S + k]! ** 2;
        if (grad) grad[S + k]! += 2 * lambda * params[S + k]!;
        if (diag) diag[S + k]! += 2 * lambda;
      }
    }
    return loss;
  };
  const params = new Float64Array(P);
  params.set(start);
  const grad = new Float64Array(P);
  const diag = new Float64Array(P);
  const trial = new Float64Array(P);
  let loss = objective(params, grad, diag);
  const inv = diag.map((d) => 1 / Math.max(d, 1e-9));
  let step = 1;
  for (let it = 0; it < 300; it++) {
    let accepted = false;
    while (step > 1e-10) {
      let moved = 0;
      for (let j = 0; j < P; j++) {
        const v = params[j]! - step * inv[j]! * grad[j]!;
        trial[j] = j < S ? Math.max(v, 0) : v; // weights stay non-negative: a model never counts against itself
        moved += ((trial[j]! - params[j]!) ** 2) / inv[j]!;
      }
      if (moved === 0) break;
      const next = objective(trial);
      // Sufficient decrease for a projected, preconditioned step.
      if (next <= loss - (0.5 / step) * moved * 0.5) {
        params.set(trial);
        accepted = loss - next > 1e-10 * Math.max(1, Math.abs(loss));
        loss = objective(params, grad);
        step = Math.min(step * 2, 1);
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
  }
  const weights = Array.from(params.subarray(0, S), round4);
  return withOffsets ? { weights, offsets: params.slice(S).map(round4) } : { weights };
}
