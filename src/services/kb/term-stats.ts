import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { SYSTEM } from "../../auth/actor.js";
import type { CorpusStats } from "../../ai/embeddings/embedder.js";

// Document frequencies of the indexed KB, for query-side IDF (local embedder) and for choosing
// and weighting the terms of the full-text query. Read from Postgres' own statistics over the
// stored kb_chunks.tsv (ts_stat), so there is no extra table to keep in step: whatever the
// index holds is what is counted. Kept in memory per database handle:
//  - after this process re-indexes an article the snapshot is marked dirty; a small KB is
//    recounted before the next search (exact, which tests rely on), a large one in the
//    background while searches use the previous counts;
//  - other processes' changes are picked up by age (REFRESH_MS): then a cheap signature of the
//    chunks (how many, and the newest) is compared first, and only a changed KB is recounted —
//    on embedded PGlite a recount of 50,000 chunks holds its one thread for seconds.
// IDF moves slowly as a KB grows, and only ever weights queries (stored vectors never depend
// on it), so a slightly old snapshot changes rankings a little and breaks nothing.

const REFRESH_MS = 5 * 60_000;
/** Recounts that took longer than this run in the background instead of before a search. */
const BLOCKING_RECOUNT_MS = 100;

export class TermStats implements CorpusStats {
  constructor(
    readonly documents: number,
    private readonly df: Map<string, number>,
    /** Mean number of distinct lexemes per chunk. */
    readonly avgLength: number = 0,
  ) {}

  documentFrequency(term: string): number {
    return this.df.get(term) ?? 0;
  }

  /** BM25's IDF (Robertson–Spärck Jones, floored at 0): near 0 for a term in most chunks. */
  bm25Idf(term: string): number {
    const n = this.documentFrequency(term);
    return Math.log(1 + (this.documents - n + 0.5) / (n + 0.5));
  }

  /** Smoothed IDF, at least 1: the same formula the local embedder applies. */
  idf(term: string): number {
    return Math.log((this.documents + 1) / (this.documentFrequency(term) + 1)) + 1;
  }
}

interface Entry {
  stats?: TermStats;
  /** What the chunks looked like when `stats` was counted (see chunkSignature). */
  signature?: string;
  loadedAt: number;
  loadMs: number;
  dirty: boolean;
  loading?: Promise<TermStats>;
}

const cache = new WeakMap<Database, Entry>();

// The number of chunks and the newest created_at, selected as `n` and `latest`.
const SIGNATURE_COLUMNS = sql`count(*)::int AS n, max(created_at)::text AS latest`;
const signatureOf = (row: { n: number; latest: string | null } | undefined) => `${row?.n ?? 0}/${row?.latest ?? ""}`;

/**
 * Chunks are never edited in place (an article's are replaced), so their number and the newest
 * created_at change whenever the indexed text does. (Re-embedding leaves the text, and so the
 * counts, as they were.)
 */
async function chunkSignature(db: Database): Promise<string> {
  const [row] = await runAs(db, SYSTEM, (tx) =>
    queryRows<{ n: number; latest: string | null }>(tx, sql`SELECT ${SIGNATURE_COLUMNS} FROM kb_chunks`),
  );
  return signatureOf(row);
}

async function count(db: Database): Promise<{ stats: TermStats; signature: string }> {
  return runAs(db, SYSTEM, async (tx) => {
    const [total] = await queryRows<{ n: number; avg: number | null; latest: string | null }>(
      tx,
      sql`SELECT ${SIGNATURE_COLUMNS}, avg(length(tsv))::float8 AS avg FROM kb_chunks`,
    );
    const rows = await queryRows<{ word: string; ndoc: number }>(tx, sql`SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_chunks')`);
    const stats = new TermStats(total?.n ?? 0, new Map(rows.map((r) => [r.word, Number(r.ndoc)])), Number(total?.avg ?? 0));
    return { stats, signature: signatureOf(total) };
  });
}

function reload(db: Database, entry: Entry): Promise<TermStats> {
  entry.loading ??= (async () => {
    const started = performance.now();
    const wasDirty = entry.dirty;
    entry.dirty = false;
    try {
      if (!wasDirty && entry.stats && entry.signature === (await chunkSignature(db))) {
        entry.loadedAt = Date.now();
        return entry.stats;
      }
      const { stats, signature } = await count(db);
      Object.assign(entry, { stats, signature, loadedAt: Date.now(), loadMs: performance.now() - started });
      return stats;
    } catch (err) {
      entry.dirty = true;
      throw err;
    } finally {
      entry.loading = undefined;
    }
  })();
  return entry.loading;
}

export async function getTermStats(db: Database): Promise<TermStats> {
  let entry = cache.get(db);
  if (!entry) cache.set(db, (entry = { loadedAt: 0, loadMs: 0, dirty: true }));
  const stale = entry.dirty || Date.now() - entry.loadedAt > REFRESH_MS;
  if (!entry.stats) return reload(db, entry);
  if (stale && entry.loadMs <= BLOCKING_RECOUNT_MS) return reload(db, entry);
  if (stale) void reload(db, entry).catch(() => {});
  return entry.stats;
}

/** The index changed in this process: recount before (small KB) or soon after the next search. */
export function invalidateTermStats(db: Database): void {
  const entry = cache.get(db);
  if (entry) entry.dirty = true;
}
