/**
 * One interface for every embedding provider: the local hashed model (offline, deterministic)
 * and OpenAI-compatible servers. Indexing embeds passages, search embeds queries; a vector is
 * only ever compared with vectors of the same `model`, which every chunk records.
 */
export type EmbedKind = "query" | "passage";

/**
 * How often each term occurs in the indexed KB, for query-side term weighting (IDF). Terms are
 * Postgres `english` lexemes, which the local analyzer reproduces for ordinary words.
 */
export interface CorpusStats {
  /** Number of indexed chunks the frequencies were counted over. */
  documents: number;
  /** In how many chunks the term occurs (0 when unknown). */
  documentFrequency(term: string): number;
}

export interface EmbedOptions {
  /** Corpus statistics for weighting query terms; providers with learned weights ignore them. */
  stats?: CorpusStats;
}

export interface Embedder {
  /** Provider and model, e.g. `local:hash-v2` or `openai:text-embedding-3-small`. Stored per chunk. */
  readonly model: string;
  readonly dimensions: number;
  /** One L2-normalised vector of `dimensions` numbers per text, in order. */
  embed(texts: string[], kind: EmbedKind, options?: EmbedOptions): Promise<number[][]>;
}

export function l2Normalize(v: Float64Array | number[]): number[] {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}
