// Feature views: the same TF-IDF vectors seen through some of their blocks only. A model trained
// on the words alone (no character n-grams) is a different, often complementary, model: on long
// tickets the thousands of character fragments mostly restate the words and add noise, while on
// short requests they catch typos and inflections. Training chooses and weights views by
// cross-validation (train.ts); since a view only drops blocks and rescales by one constant, its
// weights map back onto the full vocabulary and every blend stays one stored linear model.
import type { SparseVector } from "./features.js";
import { toCsr, type LinearProblem } from "./linear-svm.js";

export type View = "all" | "words";

/** Blocks each view keeps (features.ts: 0 = words, bigrams and subject words, 1 = skip pairs, 2 = characters). */
const VIEW_BLOCKS: Record<View, readonly number[]> = { all: [0, 1, 2], words: [0, 1] };

export interface ViewProblem {
  problem: LinearProblem;
  /**
   * The one factor the kept values were multiplied by, so that the view's training vectors have
   * unit length on average (as the full vectors do): C then means the same in every view. Weights
   * learned in the view are this factor times weights on the original features.
   */
  scale: number;
}

/** `p` restricted to the view's blocks; `blocks[j]` is feature j's block. "all" is `p` itself. */
export function restrictToView(p: LinearProblem, blocks: Uint8Array, view: View): ViewProblem {
  const keep = VIEW_BLOCKS[view];
  if (keep.length === 3) return { problem: p, scale: 1 };
  const kept = new Uint8Array(3);
  for (const b of keep) kept[b] = 1;
  let sq = 0;
  const filtered = p.vectors.map((x): SparseVector => {
    let size = 0;
    for (const j of x.indices) size += kept[blocks[j]!]!;
    const indices = new Int32Array(size);
    const values = new Float32Array(size);
    size = 0;
    x.indices.forEach((j, m) => {
      if (!kept[blocks[j]!]) return;
      indices[size] = j;
      values[size++] = x.values[m]!;
      sq += x.values[m]! ** 2;
    });
    return { indices, values };
  });
  const scale = sq > 0 ? Math.sqrt(filtered.length / sq) : 1;
  for (const x of filtered) for (let m = 0; m < x.values.length; m++) x.values[m]! *= scale;
  return { problem: { ...p, vectors: filtered, rows: toCsr(filtered) }, scale };
}
