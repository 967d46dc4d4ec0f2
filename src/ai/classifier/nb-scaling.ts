// Naive-Bayes feature scaling for the one-vs-rest SVM ("NB-SVM", Wang & Manning 2012): before
// label k's binary problem, every feature is multiplied by its log-count ratio between the texts
// of k and the rest. Words that tell k apart get large scales, words common to every label get
// scales near zero, which the SVM's L2 penalty then effectively mutes. That is feature selection
// learned from the labels, and it pays off where texts are long and most of their words are noise
// (support tickets); on short, clean requests it can lose, so training keeps it only when cross-
// validation says so. The scaled weights fold back into one plain linear model (w·r), so a stored
// model looks and predicts like any other.
import type { Csr } from "./linear-svm.js";

/**
 * Per-label scales, label-major: scale[k·D + j].
 * `smoothing` is the pseudo-count, in units of the mean total weight per feature, so it means the
 * same thing whatever the vector length or the vocabulary size.
 */
export function nbScales(rows: Csr, y: Int32Array, K: number, D: number, smoothing: number): Float32Array {
  const n = y.length;
  const perLabel = new Float64Array(K * D);
  const total = new Float64Array(D);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    const base = y[i]! * D;
    for (let m = rows.indptr[i]!; m < rows.indptr[i + 1]!; m++) {
      const j = rows.indices[m]!;
      const v = Math.abs(rows.values[m]!);
      perLabel[base + j]! += v;
      total[j]! += v;
      mass += v;
    }
  }
  const a = D > 0 ? (smoothing * mass) / D : 0;
  const scales = new Float32Array(K * D);
  const r = new Float64Array(D);
  for (let k = 0; k < K; k++) {
    let inK = 0;
    let rest = 0;
    for (let j = 0; j < D; j++) {
      inK += perLabel[k * D + j]! + a;
      rest += total[j]! - perLabel[k * D + j]! + a;
    }
    for (let j = 0; j < D; j++) {
      const p = perLabel[k * D + j]! + a;
      const q = Math.max(total[j]! - perLabel[k * D + j]!, 0) + a;
      r[j] = p > 0 && q > 0 ? Math.log(p / inK) - Math.log(q / rest) : 0;
    }
    // One scale per label so that the scaled training vectors have unit length on average: C then
    // means the same with or without the scaling, and one C grid serves both.
    let sq = 0;
    for (let i = 0; i < n; i++) {
      for (let m = rows.indptr[i]!; m < rows.indptr[i + 1]!; m++) sq += (rows.values[m]! * r[rows.indices[m]!]!) ** 2;
    }
    const norm = sq > 0 ? Math.sqrt(n / sq) : 1;
    for (let j = 0; j < D; j++) scales[k * D + j] = r[j]! * norm;
  }
  return scales;
}
