import { and, desc, eq } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { kbArticleVersions } from "../../../db/schema/index.js";
import { isStaff } from "../../auth/actor.js";
import { AppError } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { toArticle, toVersion, toVersionSummary, type ArticleDto } from "./article-dto.js";
import { applyChange, findArticle, mapSlugConflict } from "./article-store.js";
import { assertCategory } from "./categories.js";

// An article's history: one row per content version, written by create/update/revert and never
// edited. Staff only (RLS on kb_article_versions says the same).

function requireStaff(ctx: ServiceContext): void {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins may see article history");
}

/** Newest first. */
export async function listVersions(ctx: ServiceContext, articleId: string) {
  requireStaff(ctx);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const article = await findArticle(tx, ctx.actor, articleId);
    const rows = await tx
      .select()
      .from(kbArticleVersions)
      .where(eq(kbArticleVersions.articleId, article.id))
      .orderBy(desc(kbArticleVersions.version));
    return { data: rows.map(toVersionSummary) };
  });
}

export async function getVersion(ctx: ServiceContext, articleId: string, version: number) {
  requireStaff(ctx);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const article = await findArticle(tx, ctx.actor, articleId);
    const [row] = await tx
      .select()
      .from(kbArticleVersions)
      .where(and(eq(kbArticleVersions.articleId, article.id), eq(kbArticleVersions.version, version)));
    if (!row) throw new AppError("NOT_FOUND", `article has no version ${version}`);
    return toVersion(row);
  });
}

/**
 * Brings back an old version's content as a NEW version (history is never rewritten), even when
 * it equals the current content: the revert itself is worth recording. Status and slug stay as
 * they are; a published article is re-queued for indexing.
 */
export async function revertArticle(ctx: ServiceContext, articleId: string, version: number): Promise<ArticleDto> {
  requireStaff(ctx);
  try {
    const { row, enqueued } = await runAs(ctx.db, ctx.actor, async (tx) => {
      const current = await findArticle(tx, ctx.actor, articleId, { forUpdate: true });
      const [old] = await tx
        .select()
        .from(kbArticleVersions)
        .where(and(eq(kbArticleVersions.articleId, current.id), eq(kbArticleVersions.version, version)));
      if (!old) throw new AppError("NOT_FOUND", `article has no version ${version}`);
      const content = { title: old.title, body: old.body, category: assertCategory(old.category, "body.version"), tags: old.tags };
      return applyChange(tx, ctx.actor, current, content, { newVersion: true });
    });
    if (enqueued) ctx.notifyJobs();
    return toArticle(row, true);
  } catch (err) {
    mapSlugConflict(err);
  }
}
