// Trains the local classifier from agent-confirmed tickets. Nothing is guessed per data set: a few
// model families — the one-vs-rest SVM on all TF-IDF features, on the words alone (views.ts), and
// on the words scaled by naive-Bayes log-count ratios (nb-scaling.ts) — each get a fixed grid of C
// values, then a fixed choice of class weighting, scored by stratified k-fold cross-validation on
// the training data itself. The held-out scores of each family's best model then fit one blend of
// the families (a weight per model, an offset per label: calibration.ts), which is at once the
// calibration that turns margins into probabilities and the choice between them: a family that
// adds nothing on held-out data gets weight 0 and is not even trained. Short, clean requests lean
// on the character n-grams; long, noisy tickets on the words and their NB scaling. A fourth family
// is not linear: a one-hidden-layer network on all the features (mlp.ts), fixed settings, its
// held-out scores from the same fold. The SVM families fold into one linear model; the network,
// when the blend gives it weight, is stored beside it (model.ts).
import { DEFAULT_FEATURES, Vectorizer, type FeatureOptions } from "./features.js";
import { toCsr, trainOneVsRestSvm, type LinearProblem } from "./linear-svm.js";
import { fitBlend, round4, type Blend } from "./calibration.js";
import { accuracyOf, balance, canCrossValidate, crossValidate, heldOutScores, pickBest, stratifiedFolds, type FeatureScaler, type Run } from "./cross-validation.js";
import { TextClassifier, type NetworkPart } from "./model.js";
import { DEFAULT_MLP, mlpScores, trainMlp, type MlpOptions } from "./mlp.js";
import { nbScales } from "./nb-scaling.js";
import { restrictToView, type View, type ViewProblem } from "./views.js";

export interface TrainingExample {
  subject?: string | null;
  text: string;
  label: string;
}

/** "tfidf": the features as they are; "nb": scaled per label by naive-Bayes log-count ratios. */
export type Scaling = "tfidf" | "nb";

/** One kind of model: which features it sees (views.ts) and how they are scaled; an SVM unless `model` says "mlp". */
export interface Family {
  view: View;
  scaling: Scaling;
  model?: "svm" | "mlp";
}

export interface TrainOptions {
  features?: Partial<FeatureOptions>;
  /** Candidate regularisation strengths, chosen between by cross-validation (per family). */
  cGrid?: number[];
  /**
   * Candidate class weightings, tried at the chosen C: 0 = every example counts the same,
   * 1 = every label counts the same ("balanced"), 0.5 = in between.
   */
  classWeightPowers?: number[];
  /** The model families to cross-validate and blend; the first is the one used without CV. */
  families?: Family[];
  /** NB pseudo-count, in units of the mean weight per feature. */
  nbSmoothing?: number;
  /** Settings of the network family (mlp.ts); not cross-validated. */
  mlp?: Partial<MlpOptions>;
  /**
   * Penalty on the per-label score offsets fitted with the blend (Infinity: weights only).
   * Offsets correct what margins say about label frequencies; the penalty keeps rare labels from
   * being pushed around by a handful of held-out examples.
   */
  offsetPenalty?: number;
  folds?: number;
  seed?: number;
  /** Storage budget: weights beyond this many (the smallest) are dropped. */
  maxWeights?: number;
}

// The NB smoothing and the offset penalty were set once by cross-validation on the train splits of
// the public data sets (evals/), as general constants; nothing here depends on which data it sees.
// NB scaling sees the words only: on character n-grams it cost as much again and added nothing.
export const DEFAULT_TRAINING = {
  cGrid: [0.03, 0.1, 0.3, 1, 3],
  classWeightPowers: [0, 0.5],
  families: [
    { view: "all", scaling: "tfidf" },
    { view: "words", scaling: "tfidf" },
    { view: "words", scaling: "nb" },
    { view: "all", scaling: "tfidf", model: "mlp" },
  ] as Family[],
  nbSmoothing: 0.1,
  mlp: DEFAULT_MLP,
  offsetPenalty: 10,
  folds: 4,
  seed: 42,
  maxWeights: 600_000,
} satisfies Required<Omit<TrainOptions, "features">>;

/** Too little data to cross-validate: LIBLINEAR's customary C and a sober fixed temperature. */
const FALLBACK = { C: 1, temperature: 3 };

interface Member extends Family {
  /** SVM settings; 0 for the network, which has none. */
  C: number;
  power: number;
  warmStart?: Float64Array;
}

export function trainClassifier(examples: readonly TrainingExample[], options: TrainOptions = {}): TextClassifier {
  if (examples.length === 0) throw new Error("cannot train a classifier on no examples");
  const opts = { ...DEFAULT_TRAINING, ...options };
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const K = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);
  const { vectorizer, vectors } = Vectorizer.fit(examples, { ...DEFAULT_FEATURES, ...options.features });
  const problem: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: K, numFeatures: vectorizer.size };

  if (K === 1) {
    const meta = { algorithm: "constant", trainedOn: examples.length, C: 0 };
    return TextClassifier.fromParts({ labels, vectorizer, weights: new Float64Array(vectorizer.size), bias: [0], temperature: 1, meta });
  }

  const families = uniqueFamilies(opts.families);
  // model.ts feeds the network the full vectors, so that is what it must learn from.
  if (families.some((f) => f.model === "mlp" && (f.view !== "all" || f.scaling !== "tfidf"))) throw new Error("the network family sees all the features, unscaled");
  const views = new Map<View, ViewProblem>();
  const viewOf = (view: View) => {
    if (!views.has(view)) views.set(view, restrictToView(problem, vectorizer.blocks, view));
    return views.get(view)!;
  };
  const scalerFor = (scaling: Scaling): FeatureScaler => (sub) =>
    scaling === "nb" ? nbScales(sub.rows ?? toCsr(sub.vectors), sub.y, sub.numLabels, sub.numFeatures, opts.nbSmoothing) : undefined;

  // Each family's best C and class weighting by cross-validation; then the blend of the families'
  // best models (and the calibration) is fitted on their held-out scores.
  let members: Member[];
  let blend: Blend;
  let cv: { accuracy: number; tried: Array<Run & Family> } | undefined;
  if (canCrossValidate(y, K, opts.folds)) {
    const folds = stratifiedFolds(y, K, opts.folds, opts.seed);
    const [firstPower = 0, ...otherPowers] = opts.classWeightPowers;
    const cs = [...opts.cGrid].sort((a, b) => a - b);
    const tried: Array<Run & Family> = [];
    const best: Array<Run & Family> = [];
    for (const family of families) {
      const p = viewOf(family.view).problem;
      if (family.model === "mlp") {
        // Fold f's network gets seed + f, as the SVMs' visiting orders do.
        const run = heldOutScores(p, folds, (sub, f) => {
          const net = trainMlp(sub.vectors, sub.y, K, sub.numFeatures, { ...opts.mlp, seed: (opts.mlp.seed ?? DEFAULT_MLP.seed) + f });
          return (x) => mlpScores(net, x);
        });
        const member = { ...run, C: 0, power: 0, warmStart: new Float64Array(0), ...family };
        tried.push(member);
        best.push(member);
        continue;
      }
      const scaler = scalerFor(family.scaling);
      const runs = crossValidate(p, folds, cs.map((C) => ({ C, power: firstPower })), opts.seed, scaler);
      let top = pickBest(runs);
      const atBest = otherPowers.map((power) => ({ C: top.C, power }));
      if (atBest.length) runs.push(...crossValidate(p, folds, atBest, opts.seed, scaler, top.warmStart));
      top = pickBest(runs);
      tried.push(...runs.map((r) => ({ ...r, ...family })));
      best.push({ ...top, ...family });
    }
    blend = fitBlend(best.map((r) => r.scores), best[0]!.y, K, opts.offsetPenalty);
    members = best;
    cv = { accuracy: accuracyOf(blendScores(best.map((r) => r.scores), blend), best[0]!.y), tried };
  } else {
    members = [{ ...families[0]!, C: FALLBACK.C, power: opts.classWeightPowers[opts.classWeightPowers.length - 1] ?? 0 }];
    blend = { weights: [FALLBACK.temperature] };
  }

  // Final fits on all the data; a member the blend gave no weight is not trained at all.
  const weights = new Float64Array(vectorizer.size * K);
  const bias = new Float64Array(K);
  let total = 0;
  let network: NetworkPart | undefined;
  members.forEach((m, s) => {
    const t = blend.weights[s]!;
    if (t <= 0) return;
    const { problem: p, scale } = viewOf(m.view);
    if (m.model === "mlp") {
      network = { weight: t, net: trainMlp(p.vectors, y, K, p.numFeatures, opts.mlp) };
      total += t;
      return;
    }
    const model = trainOneVsRestSvm(p, {
      C: m.C,
      labelWeights: balance(y, K, m.power),
      seed: opts.seed,
      warmStart: m.warmStart,
      featureScale: scalerFor(m.scaling)(p),
    });
    // The view saw its features multiplied by `scale`; on the full vectors the weights carry it.
    for (let j = 0; j < weights.length; j++) weights[j]! += t * scale * model.weights[j]!;
    for (let k = 0; k < K; k++) bias[k]! += t * model.bias[k]!;
    total += t;
  });
  // Stored as one model: W = Σ tₛWₛ / T with temperature T, and the offsets folded into the bias,
  // since softmax(T·(s + o/T)) = softmax(T·s + o). Should every weight be 0 (texts that say nothing
  // about the label), what is left is the label prior in the offsets, the honest answer then.
  const temperature = total > 0 ? round4(total) : 1;
  for (let j = 0; j < weights.length; j++) weights[j]! /= temperature;
  for (let k = 0; k < K; k++) bias[k] = bias[k]! / temperature + (blend.offsets?.[k] ?? 0) / temperature;
  if (network) network.weight /= temperature;
  const used = members.filter((_, s) => blend.weights[s]! > 0);
  const first = used[0] ?? members[0]!;
  return TextClassifier.fromParts(
    {
      labels,
      vectorizer,
      weights,
      bias,
      temperature,
      network,
      meta: {
        algorithm: algorithmName(used),
        trainedOn: examples.length,
        // The first member's settings, where older readers of the meta look for them.
        C: first.C,
        classWeightPower: first.power,
        members: members.map((m, s) => ({ ...familyOf(m), C: m.C, power: m.power, weight: blend.weights[s]! })),
        ...(cv
          ? {
              cvAccuracy: round4(cv.accuracy),
              cv: cv.tried.map((r) => ({ ...familyOf(r), C: r.C, power: r.power, accuracy: round4(r.accuracy) })),
            }
          : {}),
      },
    },
    opts.maxWeights,
  );
}

/** The family fields meta records ("model" only for the network, so SVM-only metas read as before). */
function familyOf(f: Family): Family {
  return f.model === "mlp" ? { view: f.view, scaling: f.scaling, model: "mlp" } : { view: f.view, scaling: f.scaling };
}

function uniqueFamilies(families: readonly Family[]): Family[] {
  const seen = new Map(families.map((f) => [`${f.view}/${f.scaling}/${f.model ?? "svm"}`, f]));
  // The first family is the one used without cross-validation, which the network cannot be (it
  // needs held-out scores for its blend weight): an SVM family goes first.
  const list = [...seen.values()].sort((a, b) => Number(a.model === "mlp") - Number(b.model === "mlp"));
  return list.length && list[0]!.model !== "mlp" ? list : [DEFAULT_TRAINING.families[0]!, ...list];
}

/** "ovr-linear-svm" or "ovr-nb-svm" for one family (with the view when it is not all features), "ovr-svm-blend" for several, "+mlp" with the network. */
function algorithmName(used: readonly Family[]): string {
  const svms = used.filter((f) => f.model !== "mlp");
  const suffix = svms.length < used.length ? "+mlp" : "";
  if (svms.length === 0) return "mlp";
  if (svms.length !== 1) return "ovr-svm-blend" + suffix;
  const { view, scaling } = svms[0]!;
  return (scaling === "nb" ? "ovr-nb-svm" : "ovr-linear-svm") + (view === "all" ? "" : `/${view}`) + suffix;
}

/** Σ tₛ·sₛ + o for every example: the blended held-out scores. */
function blendScores(sources: Float64Array[][], blend: Blend): Float64Array[] {
  return sources[0]!.map((first, i) => {
    const out = Float64Array.from(first, (_, k) => blend.offsets?.[k] ?? 0);
    sources.forEach((scores, s) => scores[i]!.forEach((v, k) => (out[k]! += blend.weights[s]! * v)));
    return out;
  });
}

