import { sql } from "drizzle-orm";
import type { Database, Transaction } from "../../../db/client.js";
import { queryRows } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { kbLearnedQuestions } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import type { Embedder } from "../../ai/embeddings/embedder.js";

export type LearnedQuestionSource = "draft" | "answer_session" | "import";

/** Longer "questions" are whole tickets: as examples they would match everything a little. */
export const MAX_LEARNED_QUESTION_LENGTH = 300;

/**
 * The form that is stored and deduplicated on: the question's first paragraph (a ticket's
 * opening line or title says what it is about; the log excerpts and history below it are what
 * makes unrelated long tickets look alike), whitespace-collapsed, trimmed and capped.
 */
export function normalizeQuestion(question: string): string {
  const paragraphs = question.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const first = paragraphs[0] ?? "";
  const lead = first.split(/\s+/).length >= 3 || paragraphs.length === 1 ? first : paragraphs.slice(0, 2).join(" ");
  return lead.replace(/\s+/g, " ").trim().slice(0, MAX_LEARNED_QUESTION_LENGTH);
}

export interface LearnedQuestionRow {
  articleId: string;
  /** Already normalised (normalizeQuestion). */
  question: string;
  source: LearnedQuestionSource;
  sourceId: string | null;
  embedding: number[];
  model: string;
}

/**
 * Inserts in the caller's transaction, which must run as staff or the system (row-level
 * security: customers cause learned questions but may not write them). A question already
 * known for the article, or an article that no longer exists, is skipped. True when inserted.
 */
export async function insertLearnedQuestion(tx: Transaction, q: LearnedQuestionRow): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO ${kbLearnedQuestions} (article_id, question, source, source_id, embedding, embedding_model)
        SELECT ${q.articleId}::uuid, ${q.question}::text, ${q.source}::text, ${q.sourceId}::uuid, ${JSON.stringify(q.embedding)}::vector, ${q.model}::text
        WHERE EXISTS (SELECT 1 FROM kb_articles WHERE id = ${q.articleId}::uuid)
        ON CONFLICT (article_id, question) DO NOTHING
        RETURNING id`,
  );
  return rows.length > 0;
}

/**
 * Stores a question that `articleId` is known to answer (an agent cited it in an approved
 * draft, or a customer said it solved their question), embedded like a passage so search
 * matches new questions against it beside the article's chunks. Deduplicated on (article,
 * question). Returns false when it was already known or is empty.
 */
export async function learnQuestion(
  deps: { db: Database; embedder: Embedder },
  articleId: string,
  question: string,
  source: LearnedQuestionSource,
  sourceId: string | null,
): Promise<boolean> {
  const text = normalizeQuestion(question);
  if (!text) return false;
  const [embedding] = await deps.embedder.embed([text], "passage");
  return runAs(deps.db, SYSTEM, (tx) =>
    insertLearnedQuestion(tx, { articleId, question: text, source, sourceId, embedding: embedding!, model: deps.embedder.model }),
  );
}
