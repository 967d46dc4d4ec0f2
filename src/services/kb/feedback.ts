import { randomUUID } from "node:crypto";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Transaction } from "../../../db/client.js";
import { elevateToSystem, runAs } from "../../../db/scoped.js";
import { kbArticles, kbFeedback } from "../../../db/schema/index.js";
import { actorId, isStaff } from "../../auth/actor.js";
import { AppError } from "../../errors.js";
import { decodeCursor, encodeCursor } from "../../http/pagination.js";
import type { ServiceContext } from "../context.js";
import { checkNoNul, findArticle } from "./article-store.js";

export interface RateArticleInput {
  helpful: boolean;
  comment?: string;
  /** The search that led to the article, when the client knows it. */
  query?: string;
}

/**
 * "Was this helpful?" from anyone who can see the article (visitors included, published only).
 * The feedback row is written as the caller, so RLS checks its user_id is theirs (or null for
 * visitors); the counter moves atomically in SQL, never read-modify-write.
 */
export async function rateArticle(ctx: ServiceContext, idOrSlug: string, input: RateArticleInput) {
  if (input.comment) checkNoNul(input.comment, "body.comment");
  if (input.query) checkNoNul(input.query, "body.query");
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const article = await findArticle(tx, ctx.actor, idOrSlug);
    // No RETURNING: a visitor's row has no owner, so RLS would not let them read it back.
    const id = randomUUID();
    await tx.insert(kbFeedback).values({
      id,
      articleId: article.id,
      userId: actorId(ctx.actor),
      helpful: input.helpful,
      comment: input.comment?.trim() || null,
      query: input.query?.trim() || null,
    });
    await elevateToSystem(tx);
    const [counts] = await tx
      .update(kbArticles)
      .set(
        input.helpful
          ? { helpfulCount: sql`${kbArticles.helpfulCount} + 1` }
          : { notHelpfulCount: sql`${kbArticles.notHelpfulCount} + 1` },
      )
      .where(eq(kbArticles.id, article.id))
      .returning({ helpfulCount: kbArticles.helpfulCount, notHelpfulCount: kbArticles.notHelpfulCount });
    return { id, articleId: article.id, helpful: input.helpful, ...counts! };
  });
}

/** Staff read the feedback on an article, newest first, keyset-paged on (created_at, id). */
export async function listFeedback(ctx: ServiceContext, articleId: string, page: { limit: number; cursor?: string }) {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins may read article feedback");
  const after = decodeCursor(page.cursor, 2) as [string, string] | undefined;
  const rows = await runAs(ctx.db, ctx.actor, async (tx) => {
    const article = await findArticle(tx, ctx.actor, articleId);
    const filters: (SQL | undefined)[] = [
      eq(kbFeedback.articleId, article.id),
      after ? sql`(${kbFeedback.createdAt}, ${kbFeedback.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
    ];
    return tx
      .select({ feedback: kbFeedback, sortKey: sql<string>`${kbFeedback.createdAt}::text` })
      .from(kbFeedback)
      .where(and(...filters))
      .orderBy(desc(kbFeedback.createdAt), desc(kbFeedback.id))
      .limit(page.limit + 1);
  });
  const data = rows.slice(0, page.limit);
  const last = data.at(-1);
  return {
    data: data.map(({ feedback: f }) => ({
      id: f.id,
      articleId: f.articleId,
      userId: f.userId,
      helpful: f.helpful,
      comment: f.comment,
      query: f.query,
      createdAt: f.createdAt.toISOString(),
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor([last.sortKey, last.feedback.id]) : null,
  };
}
