import { sql } from "drizzle-orm";
import { queryRows, type Transaction } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import type { ServiceContext } from "../context.js";
import { confidenceFeatures, confidenceOf, type ArticleEvidence, type ConfidenceFeatures } from "./confidence.js";
import { analyzeQuery, fetchCandidates, type Candidate, type CandidateOptions, type LexicalQuery, type ListName } from "./search-candidates.js";
import { highlight } from "./highlight.js";
import { getTermStats, type TermStats } from "./term-stats.js";
import { terms } from "../../ai/embeddings/analyzer.js";

// Hybrid KB search: vector and full-text candidates over chunks and learned questions, fused by
// reciprocal rank fusion, grouped per article with its best passages and highlights, plus a
// calibrated confidence that the top article answers the query (used to abstain).
// Every query runs as the caller (runAs), so row-level security limits customers and visitors
// to published articles whatever this code asks for.

export interface SearchInput {
  q: string;
  category?: string;
  tags?: string[];
  /** Articles to return (1–50). */
  limit?: number;
}

export interface SearchPassage {
  chunkId: string;
  headingPath: string[];
  /** The passage without its "Title > Heading" prefix line. */
  text: string;
  /** HTML-escaped excerpt with matched words in <mark>…</mark>. */
  highlight: string;
  score: number;
}

export interface SearchHit {
  articleId: string;
  slug: string;
  title: string;
  category: string;
  tags: string[];
  url: string;
  score: number;
  passages: SearchPassage[];
  /** A learned question of this article that matched, when one did. */
  matchedQuestion: string | null;
}

export interface SearchResult {
  query: string;
  /** Calibrated probability (0–1) that the first result answers the query. */
  confidence: number;
  results: SearchHit[];
}

export interface SearchTuning {
  rrfK: number;
  weights: Record<ListName, number>;
  perList: number;
  perQuestionList: number;
  passagesPerArticle: number;
  /** A learned question votes lexically only if it holds this share of the query's IDF weight. */
  minQuestionCoverage: number;
  /** Cosine below which a learned question is not evidence (related paraphrases score 0.5+). */
  minQuestionSimilarity: number;
  /** Cosine from which a learned question votes with its list's full weight. */
  fullQuestionSimilarity: number;
}

/**
 * Tuned on the eval sets (evals/retrieval-quick.ts). k = 10 rather than the textbook 60: the
 * lists are short and their top ranks carry the signal. The local model's vectors are a noisier
 * copy of the lexical evidence (hashing 10⁴ terms into 768 dimensions), hence 0.7. A learned
 * question is a question this article is known to answer, the strongest evidence there is.
 */
export const SEARCH_TUNING: SearchTuning = {
  rrfK: 10,
  weights: { vc: 0.7, lc: 1, vq: 2, lq: 1 },
  perList: 40,
  perQuestionList: 20,
  passagesPerArticle: 3,
  minQuestionCoverage: 0.5,
  minQuestionSimilarity: 0.3,
  fullQuestionSimilarity: 0.6,
};

interface ArticleAgg {
  articleId: string;
  score: number;
  chunks: Map<string, number>;
  bestDistance: number | null;
  bestLexical: number;
  questionId: string | null;
  questionDistance: number | null;
}

/** Reciprocal rank fusion: each list votes 1/(k + rank); chunks and learned questions vote for their article. */
export function fuse(candidates: Candidate[], tuning: SearchTuning): ArticleAgg[] {
  const byList = new Map<ListName, Candidate[]>();
  for (const c of candidates) {
    // With few learned questions the nearest one is "rank 1" for any query at all; only a
    // reasonably similar one may vote.
    if (c.list === "vq" && 1 - c.score < tuning.minQuestionSimilarity) continue;
    if (c.list === "lq" && (c.coverage ?? 0) < tuning.minQuestionCoverage) continue;
    const rows = byList.get(c.list);
    if (rows) rows.push(c);
    else byList.set(c.list, [c]);
  }
  const chunkScore = new Map<string, { articleId: string; score: number }>();
  const articles = new Map<string, ArticleAgg>();
  const agg = (articleId: string) => {
    let a = articles.get(articleId);
    if (!a) articles.set(articleId, (a = { articleId, score: 0, chunks: new Map(), bestDistance: null, bestLexical: 0, questionId: null, questionDistance: null }));
    return a;
  };
  const questionVote = new Map<string, number>();
  for (const [list, rows] of byList) {
    const ascending = list === "vc" || list === "vq";
    rows.sort((x, y) => (ascending ? x.score - y.score : y.score - x.score) || x.id.localeCompare(y.id));
    const seen = new Set<string>();
    rows.forEach((c, position) => {
      // Chunks rank by position; learned questions by article (the first of each article).
      const rank = list === "vc" || list === "lc" ? position : seen.size;
      // A learned question's vote grows with its similarity: a near-duplicate of the query is
      // strong evidence for its article, a question merely on the same topic is weak (long
      // forum-style questions all look alike to each other).
      const strength = list === "vq" ? Math.min(1, Math.max(0, (1 - c.score - tuning.minQuestionSimilarity) / (tuning.fullQuestionSimilarity - tuning.minQuestionSimilarity))) : 1;
      const vote = (strength * tuning.weights[list]) / (tuning.rrfK + rank + 1);
      const a = agg(c.articleId);
      if (list === "vc" && (a.bestDistance === null || c.score < a.bestDistance)) a.bestDistance = c.score;
      if (list === "lc") a.bestLexical = Math.max(a.bestLexical, c.score);
      if (list === "vc" || list === "lc") {
        const s = chunkScore.get(c.id) ?? { articleId: c.articleId, score: 0 };
        s.score += vote;
        chunkScore.set(c.id, s);
        return;
      }
      if (list === "vq" && (a.questionDistance === null || c.score < a.questionDistance)) (a.questionDistance = c.score), (a.questionId = c.id);
      if (list === "lq" && !a.questionId) a.questionId = c.id;
      // One vote per article and list: ten paraphrases of one question are not ten votes.
      if (seen.has(c.articleId)) return;
      seen.add(c.articleId);
      questionVote.set(c.articleId, (questionVote.get(c.articleId) ?? 0) + vote);
    });
  }
  for (const [chunkId, { articleId, score }] of chunkScore) agg(articleId).chunks.set(chunkId, score);
  for (const a of articles.values()) a.score = Math.max(0, ...a.chunks.values()) + (questionVote.get(a.articleId) ?? 0);
  return [...articles.values()].sort((x, y) => y.score - x.score || x.articleId.localeCompare(y.articleId));
}

interface PassageRow {
  id: string;
  article_id: string;
  heading_path: string[];
  content: string;
  slug: string;
  title: string;
  category: string;
  tags: string[];
}

/** Exported for bench/kb-search.ts, which sends the same statements without the service around them. */
export async function loadPassages(tx: Transaction, chunkIds: string[], articleIds: string[]): Promise<PassageRow[]> {
  if (!chunkIds.length && !articleIds.length) return [];
  const ids = (values: string[]) => sql`ARRAY[${sql.join(values.map((v) => sql`${v}::uuid`), sql`, `)}]::uuid[]`;
  const which = [
    ...(chunkIds.length ? [sql`c.id = ANY(${ids(chunkIds)})`] : []),
    // Articles found only through a learned question: show their opening chunk.
    ...(articleIds.length ? [sql`(c.article_id = ANY(${ids(articleIds)}) AND c.position = 0)`] : []),
  ];
  // Chunks first (by key), then their articles: without the fence the planner, short of
  // statistics (embedded PGlite never auto-analyzes), walks every article instead.
  const rows = await queryRows<PassageRow>(
    tx,
    sql`WITH c AS MATERIALIZED (SELECT c.id, c.article_id, c.heading_path, c.content FROM kb_chunks c WHERE ${sql.join(which, sql` OR `)})
        SELECT c.id, c.article_id, c.heading_path, c.content, a.slug, a.title, a.category, a.tags
        FROM c JOIN kb_articles a ON a.id = c.article_id
        WHERE a.status = 'published'`,
  );
  // The stored content starts with the "Title > Heading" line; passages are shown without it.
  // (Cut here: in SQL, strpos and substr each decompressed the text again.)
  for (const r of rows) {
    const body = r.content.indexOf("\n\n");
    if (body >= 0) r.content = r.content.slice(body + 2);
  }
  return rows;
}

/**
 * What a search asks fetchCandidates for. (bench/kb-search.ts sends the same statements without
 * the service around them.) An all-zero query vector (no known term) has no direction: no vector lists.
 */
export function candidateOptions(
  input: SearchInput,
  query: { vector: number[] | undefined; model: string; lexical: LexicalQuery; stats: TermStats },
  tuning: SearchTuning = SEARCH_TUNING,
): CandidateOptions {
  const { vector, model, lexical, stats } = query;
  return {
    vector: vector && vector.some((x) => x !== 0) ? vector : null,
    model,
    lexical,
    avgLength: stats.avgLength,
    category: input.category,
    tags: input.tags,
    perList: Math.max(tuning.perList, limitOf(input)),
    perQuestionList: tuning.perQuestionList,
  };
}

const limitOf = (input: SearchInput) => Math.min(50, Math.max(1, input.limit ?? 10));

export async function searchKb(ctx: ServiceContext, input: SearchInput): Promise<SearchResult> {
  return (await runSearch(ctx, input)).result;
}

/** searchKb plus the confidence features (evals fit the confidence model on them). */
export async function runSearch(
  ctx: ServiceContext,
  input: SearchInput,
  tuning: SearchTuning = SEARCH_TUNING,
): Promise<{ result: SearchResult; features: ConfidenceFeatures | null }> {
  const q = input.q.trim();
  const limit = limitOf(input);
  const stats = await getTermStats(ctx.db);
  const [vector] = await ctx.embedder.embed([q], "query", { stats });

  return runAs(ctx.db, ctx.actor, async (tx) => {
    const lexical = await analyzeQuery(tx, q, stats);
    const candidates = await fetchCandidates(tx, candidateOptions(input, { vector, model: ctx.embedder.model, lexical, stats }, tuning));
    const fused = fuse(candidates, tuning);
    const ranked = fused.slice(0, limit);
    const chunkIds = ranked.flatMap((a) =>
      [...a.chunks.entries()].sort((x, y) => y[1] - x[1]).slice(0, tuning.passagesPerArticle).map(([id]) => id),
    );
    const questionOnly = ranked.filter((a) => a.chunks.size === 0).map((a) => a.articleId);
    const rows = await loadPassages(tx, chunkIds, questionOnly);
    const questionText = new Map(candidates.filter((c) => c.question !== null).map((c) => [c.id, c.question!]));

    const queryTerms = [...new Set(terms(q))].map((term) => ({ term, idf: stats.bm25Idf(term), known: stats.documentFrequency(term) > 0 }));
    const weights = new Map(queryTerms.map((t) => [t.term, t.idf]));
    const results: SearchHit[] = [];
    const matchedTerms = new Map<string, Set<string>>();
    for (const a of ranked) {
      const mine = rows.filter((r) => r.article_id === a.articleId);
      const first = mine[0];
      if (!first) continue; // unpublished meanwhile, or not visible to this caller
      const score = (r: PassageRow) => a.chunks.get(r.id) ?? 0;
      mine.sort((x, y) => score(y) - score(x));
      const marked = mine.map((r) => highlight(r.content, weights));
      matchedTerms.set(a.articleId, new Set(marked.flatMap((h) => [...h.matched])));
      results.push({
        articleId: a.articleId,
        slug: first.slug,
        title: first.title,
        category: first.category,
        tags: first.tags,
        url: `/kb/articles/${first.slug}`,
        score: round(a.score),
        passages: mine.map((r, i) => ({
          chunkId: r.id,
          headingPath: r.heading_path,
          text: r.content,
          highlight: marked[i]!.html,
          score: round(score(r)),
        })),
        matchedQuestion: a.questionId ? (questionText.get(a.questionId) ?? null) : null,
      });
    }
    // Evidence about the first visible article and the article after it in the full fused list
    // (not the page): features must not depend on how many results were asked for.
    const top = results[0];
    const worst = Math.max(0, ...candidates.filter((c) => c.list === "vc").map((c) => c.score));
    const evidence = (a: ArticleAgg | undefined): ArticleEvidence | null =>
      a ? { cosine: 1 - (a.bestDistance ?? worst), lexical: a.bestLexical, questionCosine: a.questionDistance != null ? 1 - a.questionDistance : 0 } : null;
    const topAgg = fused.find((a) => a.articleId === top?.articleId);
    const features = top
      ? confidenceFeatures(evidence(topAgg)!, evidence(fused.find((a) => a !== topAgg)), queryTerms, matchedTerms.get(top.articleId)!)
      : null;
    const confidence = features ? confidenceOf(ctx.embedder.model, features) : 0;
    return { result: { query: q, confidence, results }, features };
  });
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
