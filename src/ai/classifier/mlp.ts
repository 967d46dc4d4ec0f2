// A small neural family for the blend (train.ts): one hidden layer of ReLU units over the same
// sparse TF-IDF vectors the SVMs see, softmax output, trained with cross-entropy by Adam on
// mini-batches with dropout on the hidden layer. Where the linear families can only add up
// evidence feature by feature, the hidden units learn conjunctions ("card" with "arrive" but not
// with "declined"), which is what separates the many near-synonymous intents of short requests.
// Its scores are blended like any family's, fitted on the same held-out fold; but unlike theirs
// its weights do not fold into one linear model, so a model that uses it carries the network
// (model.ts). Deterministic given the seed: seeded initialisation, shuffling and dropout masks.
import type { SparseVector } from "./features.js";
import { seededRandom } from "./linear-svm.js";

export interface MlpOptions {
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Share of hidden units zeroed in each training example (inverted dropout). */
  dropout: number;
  /**
   * Standard deviation of the first layer's initial weights. Inputs have unit length, so this is
   * also the spread of the hidden units' first inputs: small, the net starts close to linear.
   */
  initScale: number;
  seed: number;
}

// Set once on the inner folds of banking77's train split (held-out accuracy, and training time on
// a 2-core machine) and checked by outer cross-validation on every public train split (evals/).
export const DEFAULT_MLP: MlpOptions = {
  hidden: 128,
  epochs: 8,
  batchSize: 64,
  learningRate: 0.003,
  dropout: 0.5,
  initScale: 0.05,
  seed: 42,
};

export interface MlpWeights {
  numFeatures: number;
  hidden: number;
  numLabels: number;
  /** Feature-major: w1[j·H + h]. */
  w1: Float32Array;
  b1: Float32Array;
  /** Hidden-unit-major: w2[h·K + k]. */
  w2: Float32Array;
  b2: Float32Array;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;

export function trainMlp(xs: readonly SparseVector[], y: ArrayLike<number>, K: number, D: number, options: Partial<MlpOptions> = {}): MlpWeights {
  const o = { ...DEFAULT_MLP, ...options };
  const H = o.hidden;
  const rand = seededRandom(o.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()); // Box–Muller
  const w1 = new Float32Array(D * H);
  for (let i = 0; i < w1.length; i++) w1[i] = gauss() * o.initScale;
  const b1 = new Float32Array(H);
  const w2 = new Float32Array(H * K);
  const s2 = Math.sqrt(2 / (H + K)); // Glorot
  for (let i = 0; i < w2.length; i++) w2[i] = gauss() * s2;
  const b2 = new Float32Array(K);
  const net = { numFeatures: D, hidden: H, numLabels: K, w1, b1, w2, b2 };
  const params = [
    { w: w1, g: new Float32Array(D * H), m: new Float32Array(D * H), v: new Float32Array(D * H) },
    { w: b1, g: new Float32Array(H), m: new Float32Array(H), v: new Float32Array(H) },
    { w: w2, g: new Float32Array(H * K), m: new Float32Array(H * K), v: new Float32Array(H * K) },
    { w: b2, g: new Float32Array(K), m: new Float32Array(K), v: new Float32Array(K) },
  ];
  const [first, hiddenBias, second, outputBias] = params as [(typeof params)[0], (typeof params)[0], (typeof params)[0], (typeof params)[0]];
  const g1 = first.g;
  // The first layer's gradient and Adam state are touched only on the rows (features) of the
  // batch ("lazy" Adam): thousands of rows a step out of tens of thousands.
  const touched = new Uint8Array(D);
  const rows: number[] = [];
  const n = xs.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const B = o.batchSize;
  const keep = 1 - o.dropout;
  const act = new Float32Array(B * H);
  const dz = new Float32Array(B * K);
  const z = new Float64Array(K);
  const dh = new Float32Array(H);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < n; start += B) {
      const size = Math.min(B, n - start);
      for (let b = 0; b < size; b++) {
        const x = xs[order[start + b]!]!;
        const a = act.subarray(b * H, (b + 1) * H);
        hiddenInput(net, x, a);
        for (const j of x.indices) {
          if (!touched[j]) {
            touched[j] = 1;
            rows.push(j);
          }
        }
        for (let h = 0; h < H; h++) a[h] = a[h]! > 0 && (keep >= 1 || rand() < keep) ? a[h]! / keep : 0;
        output(net, a, z);
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (z[k]! > max) max = z[k]!;
        let sum = 0;
        for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - max);
        const gold = y[order[start + b]!]!;
        for (let k = 0; k < K; k++) dz[b * K + k] = (z[k]! / sum - (k === gold ? 1 : 0)) / size; // mean cross-entropy
      }
      for (let b = 0; b < size; b++) {
        const x = xs[order[start + b]!]!;
        const a = act.subarray(b * H, (b + 1) * H);
        const d = dz.subarray(b * K, (b + 1) * K);
        for (let k = 0; k < K; k++) outputBias.g[k]! += d[k]!;
        for (let h = 0; h < H; h++) {
          const ah = a[h]!;
          if (ah === 0) {
            dh[h] = 0; // dropped, or ReLU off
            continue;
          }
          const base = h * K;
          let s = 0;
          for (let k = 0; k < K; k++) {
            second.g[base + k]! += ah * d[k]!;
            s += w2[base + k]! * d[k]!;
          }
          dh[h] = s / keep;
        }
        for (let h = 0; h < H; h++) hiddenBias.g[h]! += dh[h]!;
        for (let m = 0; m < x.indices.length; m++) {
          const base = x.indices[m]! * H;
          const v = x.values[m]!;
          let h = 0;
          for (; h + 3 < H; h += 4) {
            g1[base + h]! += v * dh[h]!;
            g1[base + h + 1]! += v * dh[h + 1]!;
            g1[base + h + 2]! += v * dh[h + 2]!;
            g1[base + h + 3]! += v * dh[h + 3]!;
          }
          for (; h < H; h++) g1[base + h]! += v * dh[h]!;
        }
      }
      step++;
      const rate = (o.learningRate * Math.sqrt(1 - Math.pow(BETA2, step))) / (1 - Math.pow(BETA1, step)); // bias-corrected
      for (const j of rows) {
        adam(first, rate, j * H, (j + 1) * H);
        touched[j] = 0;
      }
      rows.length = 0;
      for (const p of [hiddenBias, second, outputBias]) adam(p, rate, 0, p.w.length);
    }
  }
  return net;
}

/** One Adam step on w[from, to); the gradient there is consumed (zeroed). */
function adam(p: { w: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array }, rate: number, from: number, to: number): void {
  const { w, g, m, v } = p;
  for (let i = from; i < to; i++) {
    const gi = g[i]!;
    const mi = Math.fround(BETA1 * m[i]! + (1 - BETA1) * gi);
    const vi = Math.fround(BETA2 * v[i]! + (1 - BETA2) * gi * gi);
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i]! - (rate * mi) / (Math.sqrt(vi) + ADAM_EPS);
    g[i] = 0;
  }
}

/** b1 + W1ᵀx into `out` (before the ReLU). */
function hiddenInput(net: MlpWeights, x: SparseVector, out: Float32Array | Float64Array): void {
  const { hidden: H, w1 } = net;
  out.set(net.b1);
  for (let m = 0; m < x.indices.length; m++) {
    const base = x.indices[m]! * H;
    const v = x.values[m]!;
    let h = 0;
    for (; h + 3 < H; h += 4) {
      out[h]! += v * w1[base + h]!;
      out[h + 1]! += v * w1[base + h + 1]!;
      out[h + 2]! += v * w1[base + h + 2]!;
      out[h + 3]! += v * w1[base + h + 3]!;
    }
    for (; h < H; h++) out[h]! += v * w1[base + h]!;
  }
}

/** b2 + W2ᵀa into `z`, skipping the units that are off. */
function output(net: MlpWeights, a: ArrayLike<number>, z: Float64Array): void {
  const { hidden: H, numLabels: K, w2 } = net;
  for (let k = 0; k < K; k++) z[k] = net.b2[k]!;
  for (let h = 0; h < H; h++) {
    const ah = a[h]!;
    if (ah <= 0) continue;
    const base = h * K;
    for (let k = 0; k < K; k++) z[k]! += ah * w2[base + k]!;
  }
}

/** The network's scores (logits) for one vector: what the blend weighs like an SVM's margins. */
export function mlpScores(net: MlpWeights, x: SparseVector): Float64Array {
  const a = new Float64Array(net.hidden);
  hiddenInput(net, x, a);
  const z = new Float64Array(net.numLabels);
  output(net, a, z);
  return z;
}
