// One-vs-rest linear SVM (squared hinge, L2), solved in the dual by coordinate descent with
// shrinking — the algorithm of LIBLINEAR (Hsieh et al., 2008), which is what sklearn's LinearSVC
// runs. Exact, fast on sparse text, and deterministic given the seeded visiting order.
import type { SparseVector } from "./features.js";

export interface LinearProblem {
  vectors: SparseVector[];
  /** The same vectors packed as CSR rows, which the solver's inner loops read much faster. */
  rows?: Csr;
  /** Label index of each vector. */
  y: Int32Array;
  numLabels: number;
  numFeatures: number;
}

export interface LinearWeights {
  /** Feature-major: weights[j * K + k]. */
  weights: Float64Array;
  bias: Float64Array;
  /** The dual solution (label-major), for warm starts. */
  alpha?: Float64Array;
}

export interface SvmOptions {
  C: number;
  /** Per-label multiplier of C (class imbalance). */
  labelWeights: Float64Array;
  seed: number;
  eps?: number;
  maxIter?: number;
  /**
   * Dual variables of a previous solve on the same examples (label-major, alpha[k·n + i]): a
   * warm start when trying the next C of a grid, which converges in a few passes.
   */
  warmStart?: Float64Array;
  /**
   * Per-label feature scales, label-major (scale[k·D + j]): label k's binary problem sees feature j
   * multiplied by it (see nb-scaling.ts). The returned weights already include the scale.
   */
  featureScale?: Float32Array;
}

/** Same stream for the same seed on every machine (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export function toCsr(vectors: readonly SparseVector[]): Csr {
  const indptr = new Int32Array(vectors.length + 1);
  vectors.forEach((v, i) => (indptr[i + 1] = indptr[i]! + v.indices.length));
  const indices = new Int32Array(indptr[vectors.length]!);
  const values = new Float32Array(indices.length);
  vectors.forEach((v, i) => {
    indices.set(v.indices, indptr[i]!);
    values.set(v.values, indptr[i]!);
  });
  return { indptr, indices, values };
}

const BIAS = 1; // the intercept is learned as a constant feature, regularised like the rest (as LIBLINEAR does)

export function trainOneVsRestSvm(p: LinearProblem, opts: SvmOptions): LinearWeights {
  const K = p.numLabels;
  const D = p.numFeatures;
  const weights = new Float64Array(D * K);
  const bias = new Float64Array(K);
  const w = new Float32Array(D + 1);
  const rows = p.rows ?? toCsr(p.vectors);
  const n = p.vectors.length;
  const alphas = new Float64Array(n * K);
  if (opts.warmStart) alphas.set(opts.warmStart);
  const scaled = opts.featureScale ? { ...rows, values: new Float32Array(rows.values.length) } : rows;
  const sqNorm = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    const scale = opts.featureScale?.subarray(k * D, (k + 1) * D);
    if (scale || k === 0) {
      if (scale) for (let m = 0; m < rows.values.length; m++) scaled.values[m] = rows.values[m]! * scale[rows.indices[m]!]!;
      for (let i = 0; i < n; i++) {
        let s = BIAS * BIAS;
        for (let m = scaled.indptr[i]!; m < scaled.indptr[i + 1]!; m++) s += scaled.values[m]! ** 2;
        sqNorm[i] = s;
      }
    }
    const alpha = alphas.subarray(k * n, (k + 1) * n);
    initWeights(p, scaled, k, alpha, w);
    solveBinary(p, scaled, k, sqNorm, w, alpha, opts, seededRandom(opts.seed + 7919 * k));
    for (let j = 0; j < D; j++) weights[j * K + k] = scale ? w[j]! * scale[j]! : w[j]!;
    bias[k] = w[D]! * BIAS;
  }
  return { weights, bias, alpha: alphas };
}

/** w = Σ αᵢ yᵢ xᵢ: the primal weights that match the dual variables. */
function initWeights(p: LinearProblem, rows: Csr, k: number, alpha: Float64Array, w: Float32Array): void {
  w.fill(0);
  const D = p.numFeatures;
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (a === 0) continue;
    const d = p.y[i] === k ? a : -a;
    for (let m = rows.indptr[i]!; m < rows.indptr[i + 1]!; m++) w[rows.indices[m]!]! += d * rows.values[m]!;
    w[D]! += d * BIAS;
  }
}

function solveBinary(
  p: LinearProblem,
  rows: Csr,
  k: number,
  sqNorm: Float64Array,
  w: Float32Array,
  alpha: Float64Array,
  opts: SvmOptions,
  rand: () => number,
): void {
  const n = p.vectors.length;
  const D = p.numFeatures;
  const eps = opts.eps ?? 0.1;
  const maxIter = opts.maxIter ?? 200;
  const { indptr, indices, values } = rows;
  const sign = new Int8Array(n);
  const diag = new Float64Array(n); // 1/(2C_i): the squared hinge's term on the dual diagonal
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sign[i] = p.y[i] === k ? 1 : -1;
    diag[i] = 1 / (2 * opts.C * opts.labelWeights[p.y[i]!]!);
    qd[i] = sqNorm[i]! + diag[i]!;
  }
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  // From a warm start most examples already sit at alpha = 0 with a margin past 1: shrink them
  // from the first pass (the final full pass still checks every one of them).
  let pgMaxOld = opts.warmStart ? 0 : Infinity;
  for (let iter = 0; iter < maxIter; iter++) {
    for (let s = 0; s < active; s++) {
      const j = s + Math.floor(rand() * (active - s));
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const yi = sign[i]!;
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      let dot = w[D]! * BIAS;
      for (let m = start; m < end; m++) dot += w[indices[m]!]! * values[m]!;
      const G = yi * dot - 1 + alpha[i]! * diag[i]!;
      let pg = 0;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          // Shrinking: a point far on the right side stays at alpha = 0; stop visiting it.
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (G < 0) pg = G;
      } else pg = G;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i]!;
        const next = Math.max(old - G / qd[i]!, 0);
        alpha[i] = next;
        const d = (next - old) * yi;
        for (let m = start; m < end; m++) w[indices[m]!]! += d * values[m]!;
        w[D]! += d * BIAS;
      }
    }
    if (pgMax - pgMin <= eps) {
      if (active === n) break;
      active = n; // converged on the shrunk set: check every point once more
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
}

/** Scores of one vector under trained weights (feature-major). */
export function linearScores(model: LinearWeights, x: SparseVector, K: number): Float64Array {
  const s = Float64Array.from(model.bias);
  for (let m = 0; m < x.indices.length; m++) {
    const base = x.indices[m]! * K;
    const v = x.values[m]!;
    for (let k = 0; k < K; k++) s[k]! += v * model.weights[base + k]!;
  }
  return s;
}

