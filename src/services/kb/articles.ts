import { and, desc, eq, ilike, sql, type SQL } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { kbArticles, type ArticleStatus } from "../../../db/schema/index.js";
import { isAdmin, isStaff, type Actor } from "../../auth/actor.js";
import { AppError } from "../../errors.js";
import { decodeCursor, encodeCursor } from "../../http/pagination.js";
import { escapeLike } from "../accounts/users.js";
import type { ServiceContext } from "../context.js";
import { toArticle, toArticleSummary, type ArticleDto } from "./article-dto.js";
import {
  applyChange,
  checkBody,
  checkNoNul,
  checkSlug,
  checkTitle,
  findArticle,
  insertArticle,
  mapSlugConflict,
  normaliseTags,
  resolveSlug,
  type ArticleChange,
} from "./article-store.js";
import { assertCategory } from "./categories.js";

export { getVersion, listVersions, revertArticle } from "./versions.js";

export function requireKbStaff(actor: Actor): void {
  if (!isStaff(actor)) throw new AppError("FORBIDDEN", "only agents and admins may manage articles");
}

export interface CreateArticleInput {
  title: string;
  body: string;
  category: string;
  tags?: string[];
  slug?: string;
  status?: ArticleStatus;
}

/** Agents and admins write articles; a published one is queued for indexing in the same transaction. */
export async function createArticle(ctx: ServiceContext, input: CreateArticleInput): Promise<ArticleDto> {
  requireKbStaff(ctx.actor);
  const title = checkTitle(input.title);
  const article = {
    title,
    body: checkBody(input.body),
    category: assertCategory(input.category),
    tags: normaliseTags(input.tags ?? []),
    slug: resolveSlug(input.slug, title),
    status: input.status ?? "draft",
  };
  try {
    const { row, enqueued } = await runAs(ctx.db, ctx.actor, (tx) => insertArticle(tx, ctx.actor, article));
    if (enqueued) ctx.notifyJobs();
    return toArticle(row, true);
  } catch (err) {
    mapSlugConflict(err);
  }
}

/** By id or slug. Customers and visitors get published articles only; anything else is 404. */
export async function getArticle(ctx: ServiceContext, idOrSlug: string): Promise<ArticleDto> {
  const row = await runAs(ctx.db, ctx.actor, (tx) => findArticle(tx, ctx.actor, idOrSlug));
  return toArticle(row, isStaff(ctx.actor));
}

export interface ListArticlesInput {
  category?: string;
  status?: ArticleStatus;
  tag?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

/**
 * Most recently updated first, keyset-paged on (updated_at, id). The cursor carries the
 * timestamp as Postgres prints it, not a JS Date, so microseconds survive the round trip.
 * Non-staff always get published articles only (a status filter can narrow, never widen).
 */
export async function listArticles(ctx: ServiceContext, input: ListArticlesInput) {
  const after = decodeCursor(input.cursor, 2) as [string, string] | undefined;
  const filters: (SQL | undefined)[] = [
    isStaff(ctx.actor) ? undefined : eq(kbArticles.status, "published"),
    input.status ? eq(kbArticles.status, input.status) : undefined,
    input.category ? eq(kbArticles.category, assertCategory(input.category, "query.category")) : undefined,
    input.tag ? sql`${kbArticles.tags} @> ARRAY[${checkNoNul(input.tag, "query.tag").trim().toLowerCase()}]::text[]` : undefined,
    input.q ? ilike(kbArticles.title, `%${escapeLike(checkNoNul(input.q, "query.q"))}%`) : undefined,
    after ? sql`(${kbArticles.updatedAt}, ${kbArticles.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    tx
      .select({ article: kbArticles, sortKey: sql<string>`${kbArticles.updatedAt}::text` })
      .from(kbArticles)
      .where(and(...filters))
      .orderBy(desc(kbArticles.updatedAt), desc(kbArticles.id))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => toArticleSummary(r.article)),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.sortKey, last.article.id]) : null,
  };
}

export interface UpdateArticleInput {
  title?: string;
  body?: string;
  category?: string;
  tags?: string[];
  slug?: string;
  status?: ArticleStatus;
}

/**
 * Edits an article (see applyChange for the version/indexing rules). Every status change is
 * allowed — draft, published and archived are states, not a pipeline — and what matters are
 * their effects: publishing queues indexing, leaving published drops the chunks.
 * `expectedVersion` is optimistic concurrency on content: it is compared with the latest
 * version number, which only content edits bump.
 */
export async function updateArticle(
  ctx: ServiceContext,
  id: string,
  patch: UpdateArticleInput,
  options: { expectedVersion?: number } = {},
): Promise<ArticleDto> {
  requireKbStaff(ctx.actor);
  const change: ArticleChange = {
    ...(patch.title !== undefined ? { title: checkTitle(patch.title) } : {}),
    ...(patch.body !== undefined ? { body: checkBody(patch.body) } : {}),
    ...(patch.category !== undefined ? { category: assertCategory(patch.category) } : {}),
    ...(patch.tags !== undefined ? { tags: normaliseTags(patch.tags) } : {}),
    ...(patch.slug !== undefined ? { slug: checkSlug(patch.slug) } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
  };
  try {
    const { row, enqueued } = await runAs(ctx.db, ctx.actor, async (tx) => {
      const current = await findArticle(tx, ctx.actor, id, { forUpdate: true });
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
        throw new AppError("CONFLICT", `article is at version ${current.version}, not ${options.expectedVersion}; reload and retry`);
      }
      return applyChange(tx, ctx.actor, current, change);
    });
    if (enqueued) ctx.notifyJobs();
    return toArticle(row, true);
  } catch (err) {
    mapSlugConflict(err);
  }
}

/**
 * Admins only, and only for articles that were never published: those can be thrown away
 * without trace. Anything that was ever live may be cited by drafts and answers, so it is
 * archived instead (409 says so). Versions, feedback and chunks go with it (cascade).
 */
export async function deleteArticle(ctx: ServiceContext, id: string): Promise<void> {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may delete articles");
  await runAs(ctx.db, ctx.actor, async (tx) => {
    const current = await findArticle(tx, ctx.actor, id, { forUpdate: true });
    if (current.publishedAt) throw new AppError("CONFLICT", "this article has been published; archive it instead of deleting it");
    await tx.delete(kbArticles).where(eq(kbArticles.id, current.id));
  });
}
