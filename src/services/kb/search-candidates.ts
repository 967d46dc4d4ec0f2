import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Transaction } from "../../../db/client.js";
import type { TermStats } from "./term-stats.js";

// The retrieval half of hybrid search: four ranked candidate lists from one SQL statement —
// chunks by vector (pgvector HNSW, cosine), chunks by full text (GIN, ts_rank_cd), and the
// same two over learned questions. Fusion and grouping happen in search.ts.

export type ListName = "vc" | "lc" | "vq" | "lq";

export interface Candidate {
  list: ListName;
  /** Chunk id (vc, lc) or learned-question id (vq, lq). */
  id: string;
  articleId: string;
  /** Cosine distance (vc, vq; lower is better) or BM25 (lc, lq; higher is better). */
  score: number;
  /** The learned question's text (vq, lq), else null. */
  question: string | null;
  /** lq: share of the query's term weight (IDF) the question contains, 0–1; else null. */
  coverage: number | null;
}

export interface QueryTerm {
  lexeme: string;
  idf: number;
  df: number;
}

/** One lexical list's query: which rows to consider (tsquery) and the terms that score them. */
export interface LexicalList {
  tsquery: string;
  /**
   * When even the rarest term is common: rows holding at least two of the rarest terms, taken
   * before the rest of `tsquery`'s rows (see narrowQuery).
   */
  narrow?: string;
  ranked: QueryTerm[];
}

export interface LexicalQuery {
  /** Every query lexeme with its (BM25) IDF and document frequency, rarest first. */
  terms: QueryTerm[];
  /** Over chunks: known, not near-universal terms, at most MAX_QUERY_TERMS; null when none. */
  chunks: LexicalList | null;
  /**
   * Over learned questions: the same plus words no chunk contains — a question's own wording
   * ("billed twice") is often exactly what the articles lack.
   */
  questions: LexicalList | null;
  /** The caller used web-search syntax ("a phrase", -word): honoured strictly. */
  strict: boolean;
}

export interface CandidateOptions {
  vector: number[] | null;
  model: string;
  lexical: LexicalQuery;
  category?: string;
  tags?: string[];
  /** Average distinct lexemes per chunk (BM25 length normalisation). */
  avgLength: number;
  perList: number;
  perQuestionList: number;
}

/** At most this many query terms reach the tsquery: a pasted log must not OR 300 words. */
const MAX_QUERY_TERMS = 32;
/** Words unknown to the chunks that still search learned questions. */
const MAX_UNKNOWN_TERMS = 8;
/** Terms in more than this share of chunks say nothing about which chunk answers. */
const MAX_TERM_SHARE = 0.5;
/** Sum of document frequencies of the terms that select lexical candidates (see analyzeQuery). */
const CANDIDATE_POSTINGS = 200;

/**
 * Rows a lexical list scores at most. Only reached when even the rarest query term is common
 * (the budget above already keeps the others out); then the rows holding two or more of the
 * rarest terms go first (narrowQuery), and the rest of the sample comes in index order, rather
 * than scoring thousands (at 50,000 chunks, scoring costs ~0.05 ms a row in PGlite).
 */
const MAX_SCORED_ROWS = 160;
/** How many of the rarest terms the narrowed query pairs up (3 → 3 pairs, 4 → 6). */
const NARROW_TERMS = 4;

const STRICT_SYNTAX_MAX_LENGTH = 80;

const quoteLexeme = (l: string) => `'${l.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * Postgres parses the question exactly as it parsed the chunks (to_tsvector / websearch), so
 * version numbers, file names and hyphenated codes match; the lexemes are then weighted by IDF.
 * A natural-language question is an OR of its informative terms — websearch_to_tsquery's AND
 * would demand every word of a long question — ranked by ts_rank_cd; a query that uses search
 * syntax (quoted phrase, -exclusion) goes through websearch_to_tsquery as written.
 */
export async function analyzeQuery(tx: Transaction, q: string, stats: TermStats): Promise<LexicalQuery> {
  // (Rides along: filtered vector searches keep walking the HNSW graph until enough rows pass
  // the filter — category, tags, row-level security — instead of returning short; pgvector 0.8.)
  const [row] = await queryRows<{ lexemes: string[] | null; web: string }>(
    tx,
    sql`SELECT tsvector_to_array(to_tsvector('english', ${q})) AS lexemes, websearch_to_tsquery('english', ${q})::text AS web,
          set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative`,
  );
  const terms = (row?.lexemes ?? [])
    .map((lexeme) => ({ lexeme, idf: stats.bm25Idf(lexeme), df: stats.documentFrequency(lexeme) }))
    .sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme));
  // Unknown terms match no chunk and very common ones every chunk: neither earns a place.
  const ranked = terms.filter((t) => t.df > 0 && t.df <= stats.documents * MAX_TERM_SHARE).slice(0, MAX_QUERY_TERMS);
  const questionTerms = [...ranked, ...terms.filter((t) => t.df === 0).slice(0, MAX_UNKNOWN_TERMS)];
  const or = (ts: QueryTerm[]) => ts.map((t) => quoteLexeme(t.lexeme)).join(" | ");
  // Only a short query is taken as search syntax: quotes and "-flags" in a pasted error
  // message or command line are not the user asking for phrases and exclusions.
  const strict = q.length <= STRICT_SYNTAX_MAX_LENGTH && /"[^"]+"|(^|\s)-[\p{L}\p{N}]/u.test(q) && !!row?.web;
  if (strict) {
    return { terms, strict, chunks: { tsquery: row!.web, ranked }, questions: { tsquery: row!.web, ranked: questionTerms } };
  }
  // Chunk candidates hold one of the rarest terms, up to a budget of postings; every ranked term
  // still scores them. A chunk matching only common terms would rank low anyway, and scoring it
  // costs time (measured: no loss of recall on the eval sets at 200).
  let postings = 0;
  const filter = ranked.filter((t, i) => (postings += t.df) <= CANDIDATE_POSTINGS || i === 0);
  return {
    terms,
    strict,
    chunks: filter.length ? { tsquery: or(filter), narrow: narrowQuery(ranked, filter), ranked } : null,
    questions: questionTerms.length ? { tsquery: or(questionTerms), ranked: questionTerms } : null,
  };
}

/**
 * Only when the rarest term alone is over the postings budget (its rows will be sampled):
 * "at least two of the rarest few terms", as an OR of pairs. Those are the rows BM25 ranks
 * highest — a row holding one common term scores little — and GIN intersects their postings
 * cheaply, so the sample starts with them instead of whatever comes first in the index.
 */
function narrowQuery(ranked: QueryTerm[], filter: QueryTerm[]): string | undefined {
  if (filter.length !== 1 || filter[0]!.df <= CANDIDATE_POSTINGS || ranked.length < 2) return undefined;
  const top = ranked.slice(0, NARROW_TERMS).map((t) => quoteLexeme(t.lexeme));
  const pairs = top.flatMap((a, i) => top.slice(i + 1).map((b) => `(${a} & ${b})`));
  return pairs.join(" | ");
}

export const textArray = (values: string[]): SQL => sql`ARRAY[${sql.join(values.map((v) => sql`${v}::text`), sql`, `)}]::text[]`;

function articleFilter(column: SQL, o: CandidateOptions): SQL {
  const conds: SQL[] = [];
  if (o.category) conds.push(sql`a.category = ${o.category}`);
  if (o.tags?.length) conds.push(sql`a.tags @> ${textArray(o.tags)}`);
  if (!conds.length) return sql``;
  return sql` AND ${column} IN (SELECT a.id FROM kb_articles a WHERE a.status = 'published' AND ${sql.join(conds, sql` AND `)})`;
}

/** BM25 parameters, tuned on the eval sets (k1 above the textbook 1.2 suits ~400-token chunks). */
const BM25_K1 = 2;
const BM25_B = 0.75;

/**
 * Lexical candidates of one table ranked by BM25 over the chosen terms:
 * Σ idf(t)·tf/(tf + k1·(1 − b + b·len/avglen)), len = distinct lexemes of the row. Postgres
 * supplies tf — ts_rank_cd of a one-term query with unit weights and no normalisation is exactly
 * the number of occurrences — and the term statistics supply IDF and the average length. (Plain
 * ts_rank_cd over an OR query has no IDF and ranked techqa's long questions far worse: MRR 0.52
 * against 0.81 for chunks alone.) The inner query is fenced (OFFSET 0) so each tf is computed
 * once, on the tsvector decompressed once per row (`v`).
 */
function lexicalList(list: "lc" | "lq", query: LexicalList, o: CandidateOptions, limit: number): SQL {
  // The matching ids come from a function that can use the GIN index (migration 0005: under
  // row-level security a plain `tsv @@ q` condition cannot); the rows are then read by id under
  // the caller's policies.
  const [table, matching] = list === "lc" ? [sql`kb_chunks`, sql`app_kb_chunks_matching`] : [sql`kb_learned_questions`, sql`app_kb_questions_matching`];
  const terms = query.ranked;
  const tfs = terms.map((t, i) => sql`, ts_rank_cd('{1,1,1,1}', x.v, ${quoteLexeme(t.lexeme)}::tsquery, 0) AS ${sql.raw(`tf${i}`)}`);
  const score = terms.length
    ? sql.join(terms.map((t, i) => sql`${t.idf}::float8 * ${sql.raw(`tf${i}`)} / (${sql.raw(`tf${i}`)} + y.k)`), sql` + `)
    : sql`0::float8`;
  const k = sql`${BM25_K1}::float8 * (${1 - BM25_B}::float8 + ${BM25_B}::float8 * length(x.v) / ${Math.max(1, o.avgLength)}::float8)`;
  const question = list === "lq" ? sql`t.question` : sql`NULL::text`;
  // How much of the query a learned question covers: long questions share many words with any
  // long query, so rank alone says little; fuse() lets only questions covering enough vote.
  const totalIdf = terms.reduce((n, t) => n + t.idf, 0);
  const coverage =
    list === "lq" && terms.length && totalIdf > 0
      ? sql`(${sql.join(terms.map((t, i) => sql`${t.idf}::float8 * sign(${sql.raw(`tf${i}`)})`), sql` + `)}) / ${totalIdf}::float8`
      : sql`NULL::float8`;
  return sql`(SELECT ${list}::text AS list, y.id, y.article_id, ${score} AS score, y.question, ${coverage} AS coverage FROM (
      SELECT x.id, x.article_id, x.question, ${k} AS k${sql.join(tfs, sql``)} FROM (
        SELECT t.id, t.article_id, ${question} AS question, t.tsv || ''::tsvector AS v FROM ${table} t
        WHERE t.id IN (${matchingIds(matching, query)})${articleFilter(sql`t.article_id`, o)} OFFSET 0) x OFFSET 0) y
    ORDER BY 4 DESC, y.id LIMIT ${limit})`;
}

/** The ids a lexical list scores: the narrowed rows first when there is a narrowed query. */
function matchingIds(matching: SQL, query: LexicalList): SQL {
  const all = sql`SELECT ${matching}(${query.tsquery}::tsquery, ${MAX_SCORED_ROWS}::int)`;
  if (!query.narrow) return all;
  return sql`SELECT s.id FROM (
      SELECT m.id, 0 AS pass FROM ${matching}(${query.narrow}::tsquery, ${MAX_SCORED_ROWS}::int) m(id)
      UNION ALL SELECT m.id, 1 FROM ${matching}(${query.tsquery}::tsquery, ${MAX_SCORED_ROWS}::int) m(id)
    ) s GROUP BY s.id ORDER BY min(s.pass), s.id LIMIT ${MAX_SCORED_ROWS}`;
}

/** Cosine distance beyond which a learned question is not evidence for its article (unrelated ≈ 1). */
export const MAX_QUESTION_DISTANCE = 0.8;

export async function fetchCandidates(tx: Transaction, o: CandidateOptions): Promise<Candidate[]> {
  const parts: SQL[] = [];
  if (o.vector) {
    const v = sql`${JSON.stringify(o.vector)}::vector`;
    parts.push(sql`(SELECT 'vc' AS list, c.id, c.article_id, c.embedding <=> ${v} AS score, NULL::text AS question, NULL::float8 AS coverage FROM kb_chunks c
      WHERE c.embedding_model = ${o.model}${articleFilter(sql`c.article_id`, o)}
      ORDER BY c.embedding <=> ${v} LIMIT ${o.perList})`);
    // Learned questions vote only when they are actually close: with few of them, the nearest is
    // often unrelated, and an unconditional rank-1 vote would pull its article into every search.
    parts.push(sql`(SELECT * FROM (SELECT 'vq' AS list, q.id, q.article_id, q.embedding <=> ${v} AS score, q.question, NULL::float8 AS coverage FROM kb_learned_questions q
      WHERE q.embedding_model = ${o.model}${articleFilter(sql`q.article_id`, o)}
      ORDER BY q.embedding <=> ${v} LIMIT ${o.perQuestionList}) near WHERE near.score < ${MAX_QUESTION_DISTANCE})`);
  }
  if (o.lexical.chunks) parts.push(lexicalList("lc", o.lexical.chunks, o, o.perList));
  if (o.lexical.questions) parts.push(lexicalList("lq", o.lexical.questions, o, o.perQuestionList));
  if (!parts.length) return [];
  const rows = await queryRows<{ list: ListName; id: string; article_id: string; score: number; question: string | null; coverage: number | null }>(
    tx,
    sql.join(parts, sql` UNION ALL `),
  );
  return rows.map((r) => ({ list: r.list, id: r.id, articleId: r.article_id, score: Number(r.score), question: r.question, coverage: r.coverage === null ? null : Number(r.coverage) }));
}
