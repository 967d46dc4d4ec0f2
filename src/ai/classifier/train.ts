// Trains the local classifier from agent-confirmed tickets. Nothing is guessed per data set: a
// fixed grid of C values, then a fixed choice of class weighting, is scored by stratified k-fold
// cross-validation on the training data itself, and the held-out scores of the winner also fit the
// softmax temperature that turns SVM margins into calibrated probabilities.
import { DEFAULT_FEATURES, Vectorizer, type FeatureOptions } from "./features.js";
import { linearScores, seededRandom, toCsr, trainOneVsRestSvm, type LinearProblem, type LinearWeights } from "./linear-svm.js";
import { softmax, TextClassifier } from "./model.js";

export interface TrainingExample {
  subject?: string | null;
  text: string;
  label: string;
}

export interface TrainOptions {
  features?: Partial<FeatureOptions>;
  /** Candidate regularisation strengths, chosen between by cross-validation. */
  cGrid?: number[];
  /**
   * Candidate class weightings, tried at the chosen C: 0 = every example counts the same,
   * 1 = every label counts the same ("balanced"), 0.5 = in between.
   */
  classWeightPowers?: number[];
  folds?: number;
  seed?: number;
  /** Storage budget: weights beyond this many (the smallest) are dropped. */
  maxWeights?: number;
}

export const DEFAULT_TRAINING = {
  cGrid: [0.1, 0.3, 1],
  classWeightPowers: [0, 0.5],
  folds: 4,
  seed: 42,
  maxWeights: 600_000,
} satisfies Required<Omit<TrainOptions, "features">>;

/** With plenty of data, this many held-out predictions decide as well as all of them would. */
const MIN_HELD_OUT = 1500;
/** Too little data to cross-validate: LIBLINEAR's customary C and a sober fixed temperature. */
const FALLBACK = { C: 1, temperature: 3 };

interface Config {
  C: number;
  power: number;
}

interface Run extends Config {
  accuracy: number;
  /** Held-out scores, and the gold labels they go with. */
  scores: Float64Array[];
  y: number[];
  /** First fold's dual solution spread over all examples: a feasible start for the final fit. */
  warmStart: Float64Array;
}

export function trainClassifier(examples: readonly TrainingExample[], options: TrainOptions = {}): TextClassifier {
  if (examples.length === 0) throw new Error("cannot train a classifier on no examples");
  const opts = { ...DEFAULT_TRAINING, ...options };
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);
  const { vectorizer, vectors } = Vectorizer.fit(examples, { ...DEFAULT_FEATURES, ...options.features });
  const problem: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: labels.length, numFeatures: vectorizer.size };

  let chosen: Config = { C: FALLBACK.C, power: opts.classWeightPowers[opts.classWeightPowers.length - 1] ?? 0 };
  let temperature = FALLBACK.temperature;
  let best: Run | undefined;
  let tried: Run[] = [];
  if (labels.length > 1 && canCrossValidate(y, labels.length, opts.folds)) {
    const folds = stratifiedFolds(y, labels.length, opts.folds, opts.seed);
    const [firstPower = 0, ...otherPowers] = opts.classWeightPowers;
    const grid = [...opts.cGrid].sort((a, b) => a - b).map((C) => ({ C, power: firstPower }));
    tried = crossValidate(problem, folds, grid, opts.seed);
    best = pickBest(tried);
    const atBestC = otherPowers.map((power) => ({ C: best!.C, power }));
    if (atBestC.length) {
      tried.push(...crossValidate(problem, folds, atBestC, opts.seed, best.warmStart));
      best = pickBest(tried);
    }
    chosen = best;
    temperature = fitTemperature(best.scores, best.y);
  }

  const model: LinearWeights =
    labels.length > 1
      ? trainOneVsRestSvm(problem, {
          C: chosen.C,
          labelWeights: balance(y, labels.length, chosen.power),
          seed: opts.seed,
          warmStart: best?.warmStart,
        })
      : { weights: new Float64Array(vectorizer.size), bias: new Float64Array(1) };
  return TextClassifier.fromParts(
    {
      labels,
      vectorizer,
      weights: model.weights,
      bias: model.bias,
      temperature,
      meta: {
        algorithm: "ovr-linear-svm",
        trainedOn: examples.length,
        C: chosen.C,
        classWeightPower: chosen.power,
        ...(best ? { cvAccuracy: round(best.accuracy), cv: tried.map((r) => ({ C: r.C, power: r.power, accuracy: round(r.accuracy) })) } : {}),
      },
    },
    opts.maxWeights,
  );
}

/** Best held-out accuracy; ties go to the C nearest the customary 1, then to the more balanced weighting. */
function pickBest(runs: Run[]): Run {
  const distance = (r: Run) => Math.abs(Math.log(r.C));
  return runs.reduce((a, b) => {
    if (Math.abs(b.accuracy - a.accuracy) > 1e-9) return b.accuracy > a.accuracy ? b : a;
    if (distance(b) !== distance(a)) return distance(b) < distance(a) ? b : a;
    return b.power > a.power ? b : a;
  });
}

/** Per-label multiplier of C: (n / (K · n_label))^power. */
function balance(y: Int32Array, K: number, power: number): Float64Array {
  const counts = new Float64Array(K);
  for (const l of y) counts[l]!++;
  return counts.map((c) => (c > 0 ? Math.pow(y.length / (K * c), power) : 1));
}

function canCrossValidate(y: Int32Array, K: number, folds: number): boolean {
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

/**
 * Held-out scores for each configuration. Within a fold the configurations run in the given
 * order, each warm-started from the previous solution (the first one from `initial`, a fold-0
 * solution, when given), which costs a fraction of a cold start.
 * Folds stop once MIN_HELD_OUT examples have been scored: a banking-sized set needs one fold.
 */
function crossValidate(p: LinearProblem, fold: Int32Array, configs: Config[], seed: number, initial?: Float64Array): Run[] {
  const K = p.numLabels;
  const n = p.vectors.length;
  const folds = Math.max(...fold) + 1;
  const runs: Run[] = configs.map((c) => ({ ...c, accuracy: 0, scores: [], y: [], warmStart: new Float64Array(n * K) }));
  for (let f = 0; f < folds && runs[0]!.scores.length < MIN_HELD_OUT; f++) {
    const train: number[] = [];
    fold.forEach((g, i) => g !== f && train.push(i));
    const vectors = train.map((i) => p.vectors[i]!);
    const sub: LinearProblem = { ...p, vectors, rows: toCsr(vectors), y: Int32Array.from(train, (i) => p.y[i]!) };
    let alpha: Float64Array | undefined;
    if (f === 0 && initial) {
      alpha = new Float64Array(train.length * K);
      for (let k = 0; k < K; k++) train.forEach((i, t) => (alpha![k * train.length + t] = initial[k * n + i]!));
    }
    for (const run of runs) {
      const labelWeights = balance(sub.y, K, run.power);
      const model = trainOneVsRestSvm(sub, { C: run.C, labelWeights, seed: seed + f, warmStart: alpha });
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

function accuracyOf(scores: Float64Array[], y: ArrayLike<number>): number {
  let hits = 0;
  scores.forEach((s, i) => {
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
    if (best === y[i]) hits++;
  });
  return scores.length ? hits / scores.length : 0;
}

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
  return round(Math.exp((lo + hi) / 2));
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
