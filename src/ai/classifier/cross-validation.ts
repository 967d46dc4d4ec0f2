// Held-out scores for training's choices (train.ts): stratified folds of the training data, and
// for each configuration of a model family the scores it gives examples it was not trained on.
// Those scores choose C and the class weighting, and fit the blend of the families (calibration.ts).
import type { SparseVector } from "./features.js";
import { linearScores, seededRandom, toCsr, trainOneVsRestSvm, type LinearProblem } from "./linear-svm.js";

/** With plenty of data, this many held-out predictions decide as well as all of them would. */
const MIN_HELD_OUT = 1500;

export interface SvmConfig {
  C: number;
  /** Class weighting: see balance(). */
  power: number;
}

export interface Run extends SvmConfig {
  accuracy: number;
  /** Held-out scores, and the gold labels they go with. */
  scores: Float64Array[];
  y: number[];
  /** First fold's dual solution spread over all examples: a feasible start for the final fit. */
  warmStart: Float64Array;
}

/** Per-label feature scales computed from (a fold of) the training data, e.g. NB scaling; or none. */
export type FeatureScaler = (sub: LinearProblem) => Float32Array | undefined;

export function canCrossValidate(y: Int32Array, K: number, folds: number): boolean {
  // Needs a few examples per fold, and more than one label left when a fold is held out.
  return folds >= 2 && y.length >= Math.max(4 * folds, 2 * K);
}

/** Fold number of each example; every label spread over the folds as evenly as it can be. */
export function stratifiedFolds(y: Int32Array, K: number, folds: number, seed: number): Int32Array {
  const rand = seededRandom(seed);
  const byLabel: number[][] = Array.from({ length: K }, () => []);
  y.forEach((l, i) => byLabel[l]!.push(i));
  const fold = new Int32Array(y.length);
  let next = 0;
  for (const members of byLabel) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    // Continue the round-robin where the previous label stopped, so small labels do not all
    // land in fold 0.
    for (const i of members) fold[i] = next++ % folds;
  }
  return fold;
}

/** Per-label multiplier of C: (n / (K · n_label))^power. 0 = every example counts the same, 1 = "balanced". */
export function balance(y: Int32Array, K: number, power: number): Float64Array {
  const counts = new Float64Array(K);
  for (const l of y) counts[l]!++;
  return counts.map((c) => (c > 0 ? Math.pow(y.length / (K * c), power) : 1));
}

/**
 * Held-out scores for each configuration (all of one family: `scaler` is computed from each
 * fold's own training part). Within a fold the configurations run in the given order, each
 * warm-started from the previous solution (the first one from `initial`, a fold-0 solution, when
 * given), which costs a fraction of a cold start.
 * Folds stop once MIN_HELD_OUT examples have been scored: a banking-sized set needs one fold.
 */
export function crossValidate(
  p: LinearProblem,
  fold: Int32Array,
  configs: SvmConfig[],
  seed: number,
  scaler: FeatureScaler,
  initial?: Float64Array,
): Run[] {
  const K = p.numLabels;
  const n = p.vectors.length;
  const folds = Math.max(...fold) + 1;
  const runs: Run[] = configs.map((c) => ({ ...c, accuracy: 0, scores: [], y: [], warmStart: new Float64Array(n * K) }));
  for (let f = 0; f < folds && runs[0]!.scores.length < MIN_HELD_OUT; f++) {
    const { train, sub: part } = trainingPart(p, fold, f);
    const sub: LinearProblem = { ...part, rows: toCsr(part.vectors) };
    const featureScale = scaler(sub);
    let alpha: Float64Array | undefined;
    if (f === 0 && initial) {
      alpha = new Float64Array(train.length * K);
      for (let k = 0; k < K; k++) train.forEach((i, t) => (alpha![k * train.length + t] = initial[k * n + i]!));
    }
    for (const run of runs) {
      const labelWeights = balance(sub.y, K, run.power);
      const model = trainOneVsRestSvm(sub, { C: run.C, labelWeights, seed: seed + f, warmStart: alpha, featureScale });
      alpha = model.alpha!;
      fold.forEach((g, i) => {
        if (g !== f) return;
        run.scores.push(linearScores(model, p.vectors[i]!, K));
        run.y.push(p.y[i]!);
      });
      if (f === 0) {
        for (let k = 0; k < K; k++) train.forEach((i, t) => (run.warmStart[k * n + i] = alpha![k * train.length + t]!));
      }
    }
  }
  for (const run of runs) run.accuracy = accuracyOf(run.scores, run.y);
  return runs;
}

/**
 * Held-out scores of a family that is not tuned over a grid (mlp.ts): `fit` learns from a fold's
 * training part and returns the scorer. Same folds, same order and the same MIN_HELD_OUT stop as
 * crossValidate, so the scores line up example by example with the SVM families' for the blend.
 */
export function heldOutScores(
  p: LinearProblem,
  fold: Int32Array,
  fit: (sub: LinearProblem, fold: number) => (x: SparseVector) => Float64Array,
): Pick<Run, "accuracy" | "scores" | "y"> {
  const folds = Math.max(...fold) + 1;
  const scores: Float64Array[] = [];
  const y: number[] = [];
  for (let f = 0; f < folds && scores.length < MIN_HELD_OUT; f++) {
    const score = fit(trainingPart(p, fold, f).sub, f);
    fold.forEach((g, i) => {
      if (g !== f) return;
      scores.push(score(p.vectors[i]!));
      y.push(p.y[i]!);
    });
  }
  return { accuracy: accuracyOf(scores, y), scores, y };
}

/** Fold f's training part: the examples of every other fold (their indices, and as a problem without rows). */
function trainingPart(p: LinearProblem, fold: Int32Array, f: number): { train: number[]; sub: LinearProblem } {
  const train: number[] = [];
  fold.forEach((g, i) => g !== f && train.push(i));
  return { train, sub: { numLabels: p.numLabels, numFeatures: p.numFeatures, vectors: train.map((i) => p.vectors[i]!), y: Int32Array.from(train, (i) => p.y[i]!) } };
}

/** Best held-out accuracy. Ties go to the C nearest the customary 1, then to the more balanced weighting. */
export function pickBest<R extends Run>(runs: R[]): R {
  const distance = (r: Run) => Math.abs(Math.log(r.C));
  return runs.reduce((a, b) => {
    if (Math.abs(b.accuracy - a.accuracy) > 1e-9) return b.accuracy > a.accuracy ? b : a;
    if (distance(b) !== distance(a)) return distance(b) < distance(a) ? b : a;
    return b.power > a.power ? b : a;
  });
}

export function accuracyOf(scores: Float64Array[], y: ArrayLike<number>): number {
  let hits = 0;
  scores.forEach((s, i) => {
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
    if (best === y[i]) hits++;
  });
  return scores.length ? hits / scores.length : 0;
}
