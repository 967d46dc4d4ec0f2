import { and, asc, eq, ne, or, sql, isNull } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { queryRows } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { kbArticles, kbChunks, kbLearnedQuestions } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import type { Embedder } from "../../ai/embeddings/embedder.js";
import { chunkArticle } from "./chunking.js";
import { invalidateTermStats } from "./term-stats.js";

/** What indexing needs: the database and the embedder (workers and the CLI pass theirs). */
export interface IndexDeps {
  db: Database;
  embedder: Embedder;
}

export type IndexResult =
  | { status: "indexed"; version: number; chunks: number }
  /** Not published (draft, archived): it has no chunks now. */
  | { status: "removed" }
  | { status: "missing" }
  /** The article changed while this run embedded; the job for the newer version indexes it. */
  | { status: "superseded" };

/**
 * (Re)indexes one article. Chunking and embedding (slow, maybe remote) happen outside any
 * transaction; the swap — delete the old chunks, insert the new — is one short transaction
 * that first re-reads the article under a share lock and gives up if it moved on. Readers
 * therefore see the old chunks or the new ones, never a mix or none, and an older job that
 * finishes late cannot overwrite a newer version's chunks.
 */
export async function indexArticle(deps: IndexDeps, articleId: string): Promise<IndexResult> {
  const [article] = await runAs(deps.db, SYSTEM, (tx) =>
    tx
      .select({ title: kbArticles.title, body: kbArticles.body, status: kbArticles.status, version: kbArticles.version })
      .from(kbArticles)
      .where(eq(kbArticles.id, articleId)),
  );
  if (!article) return { status: "missing" };
  if (article.status !== "published") {
    await runAs(deps.db, SYSTEM, (tx) => tx.delete(kbChunks).where(eq(kbChunks.articleId, articleId)));
    invalidateTermStats(deps.db);
    return { status: "removed" };
  }

  const chunks = chunkArticle(article.title, article.body);
  const vectors = await deps.embedder.embed(
    chunks.map((c) => c.content),
    "passage",
  );

  const result = await runAs(deps.db, SYSTEM, async (tx): Promise<IndexResult> => {
    const [current] = await tx
      .select({ title: kbArticles.title, body: kbArticles.body, status: kbArticles.status, version: kbArticles.version })
      .from(kbArticles)
      .where(eq(kbArticles.id, articleId))
      .for("share");
    const unchanged =
      current?.status === "published" && current.version === article.version && current.title === article.title && current.body === article.body;
    if (!unchanged) return { status: "superseded" };
    await tx.delete(kbChunks).where(eq(kbChunks.articleId, articleId));
    await tx.insert(kbChunks).values(
      chunks.map((c, i) => ({
        articleId,
        articleVersion: article.version,
        position: c.position,
        headingPath: c.headingPath,
        content: c.content,
        tokenCount: c.tokenCount,
        embedding: vectors[i]!,
        embeddingModel: deps.embedder.model,
      })),
    );
    return { status: "indexed", version: article.version, chunks: chunks.length };
  });
  if (result.status === "indexed") invalidateTermStats(deps.db);
  return result;
}

export interface ReindexOptions {
  /** Re-embed everything, not only what another model embedded or what is out of date. */
  force?: boolean;
}

export interface ReindexSummary {
  articles: number;
  learnedQuestions: number;
  removed: number;
}

const QUESTION_BATCH = 64;

/**
 * `autocrm kb reindex`: brings every published article's chunks and every learned question to
 * the current embedder (after a provider or model change) and the current article version;
 * drops chunks of articles that are no longer published. Progress is reported per unit of work.
 */
export async function reindexAll(
  deps: IndexDeps,
  onProgress: (done: number, total: number) => void = () => {},
  options: ReindexOptions = {},
): Promise<ReindexSummary> {
  const model = deps.embedder.model;
  const { articles, removed, questions } = await runAs(deps.db, SYSTEM, async (tx) => {
    const removedRows = await queryRows<{ id: string }>(
      tx,
      sql`DELETE FROM kb_chunks c USING kb_articles a WHERE a.id = c.article_id AND a.status <> 'published' RETURNING c.id`,
    );
    // Published articles with no chunks, chunks of another version, or another model's vectors.
    const stale = await queryRows<{ id: string }>(
      tx,
      sql`SELECT a.id FROM kb_articles a
          WHERE a.status = 'published' AND (${options.force ?? false}::boolean
            OR NOT EXISTS (SELECT 1 FROM kb_chunks c WHERE c.article_id = a.id)
            OR EXISTS (SELECT 1 FROM kb_chunks c WHERE c.article_id = a.id
                       AND (c.article_version <> a.version OR c.embedding_model IS DISTINCT FROM ${model} OR c.embedding IS NULL)))
          ORDER BY a.created_at, a.id`,
    );
    const q = await tx
      .select({ id: kbLearnedQuestions.id, question: kbLearnedQuestions.question })
      .from(kbLearnedQuestions)
      .where(options.force ? undefined : or(isNull(kbLearnedQuestions.embeddingModel), ne(kbLearnedQuestions.embeddingModel, model)))
      .orderBy(asc(kbLearnedQuestions.createdAt));
    return { articles: stale.map((r) => r.id), removed: removedRows.length, questions: q };
  });

  const batches = Math.ceil(questions.length / QUESTION_BATCH);
  const total = articles.length + batches;
  let done = 0;
  onProgress(done, total);
  let indexed = 0;
  for (const id of articles) {
    if ((await indexArticle(deps, id)).status === "indexed") indexed++;
    onProgress(++done, total);
  }
  for (let i = 0; i < questions.length; i += QUESTION_BATCH) {
    const batch = questions.slice(i, i + QUESTION_BATCH);
    const vectors = await deps.embedder.embed(
      batch.map((q) => q.question),
      "passage",
    );
    await runAs(deps.db, SYSTEM, async (tx) => {
      for (const [j, q] of batch.entries()) {
        await tx
          .update(kbLearnedQuestions)
          .set({ embedding: vectors[j]!, embeddingModel: model })
          .where(and(eq(kbLearnedQuestions.id, q.id)));
      }
    });
    onProgress(++done, total);
  }
  if (removed > 0) invalidateTermStats(deps.db);
  return { articles: indexed, learnedQuestions: questions.length, removed };
}
