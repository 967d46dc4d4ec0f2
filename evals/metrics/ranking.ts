// Ranking quality of one query's result list against its relevant ids (binary relevance).
// Rankings are deduplicated first: an id listed twice is one document, not two hits.

const dedupe = (ranking: readonly string[]) => [...new Set(ranking)];

/** Share of the relevant ids found in the first k results (0 when there are none to find). */
export function recallAtK(ranking: readonly string[], relevant: readonly string[], k: number): number {
  if (relevant.length === 0) return 0;
  const top = new Set(dedupe(ranking).slice(0, k));
  return new Set(relevant.filter((id) => top.has(id))).size / new Set(relevant).size;
}

/** 1 / rank of the first relevant result within the first k, else 0. */
export function reciprocalRank(ranking: readonly string[], relevant: readonly string[], k: number): number {
  const wanted = new Set(relevant);
  const pos = dedupe(ranking).slice(0, k).findIndex((id) => wanted.has(id));
  return pos < 0 ? 0 : 1 / (pos + 1);
}

/**
 * Normalised discounted cumulative gain with binary gains: DCG = Σ 1/log2(rank + 1) over the
 * relevant results in the first k, divided by the DCG of the ideal list (all relevant first).
 */
export function ndcgAtK(ranking: readonly string[], relevant: readonly string[], k: number): number {
  const wanted = new Set(relevant);
  if (wanted.size === 0) return 0;
  let dcg = 0;
  dedupe(ranking)
    .slice(0, k)
    .forEach((id, i) => {
      if (wanted.has(id)) dcg += 1 / Math.log2(i + 2);
    });
  let ideal = 0;
  for (let i = 0; i < Math.min(wanted.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

export interface RankingMetrics {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
  ndcgAt10: number;
}

/** Means over queries that have relevant ids (unanswerable ones are scored by abstention instead). */
export class RankingAccumulator {
  private n = 0;
  private sums = { recallAt1: 0, recallAt5: 0, mrrAt10: 0, ndcgAt10: 0 };

  add(ranking: readonly string[], relevant: readonly string[]): void {
    if (relevant.length === 0) return;
    this.n++;
    this.sums.recallAt1 += recallAtK(ranking, relevant, 1);
    this.sums.recallAt5 += recallAtK(ranking, relevant, 5);
    this.sums.mrrAt10 += reciprocalRank(ranking, relevant, 10);
    this.sums.ndcgAt10 += ndcgAtK(ranking, relevant, 10);
  }

  result(): RankingMetrics {
    const mean = (s: number) => (this.n === 0 ? 0 : s / this.n);
    return {
      queries: this.n,
      recallAt1: mean(this.sums.recallAt1),
      recallAt5: mean(this.sums.recallAt5),
      mrrAt10: mean(this.sums.mrrAt10),
      ndcgAt10: mean(this.sums.ndcgAt10),
    };
  }
}
