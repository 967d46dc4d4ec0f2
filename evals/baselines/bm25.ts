// The reference baseline of ../shared/data/README.md: Okapi BM25 (k1 1.2, b 0.75) over each
// article's title + body, lower-cased [a-z0-9]+ tokens, no stemming or stopwords, computed in
// the same run as the system so both see exactly the same queries.
import type { ArticleRow } from "../datasets.js";

const tokenize = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** Builds the index once; the returned function ranks article ids for a query (best first). */
export function bm25Ranker(articles: readonly ArticleRow[], { k1 = 1.2, b = 0.75 }: Bm25Options = {}): (query: string, limit?: number) => string[] {
  const lengths = articles.map(() => 0);
  const tfs = articles.map((a, i) => {
    const tf = new Map<string, number>();
    const tokens = tokenize(`${a.title} ${a.body}`);
    lengths[i] = tokens.length;
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  });
  const df = new Map<string, number>();
  for (const tf of tfs) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = articles.length;
  const avg = lengths.reduce((s, l) => s + l, 0) / Math.max(1, n);

  return (query, limit = 10) => {
    const terms = new Set(tokenize(query));
    const scored: Array<[number, number]> = [];
    tfs.forEach((tf, i) => {
      let s = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (!f) continue;
        const d = df.get(t)!;
        const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
        s += (idf * (f * (k1 + 1))) / (f + k1 * (1 - b + (b * lengths[i]!) / avg));
      }
      if (s > 0) scored.push([s, i]);
    });
    // Ties broken by file order, so the baseline is reproducible.
    return scored
      .sort((x, y) => y[0] - x[0] || x[1] - y[1])
      .slice(0, limit)
      .map(([, i]) => articles[i]!.id);
  };
}
