import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { kbArticleVersions, kbArticles, kbChunks, type ArticleStatus } from "../../../db/schema/index.js";
import { actorId, isStaff, type Actor } from "../../auth/actor.js";
import { AppError, invalidField, pgConstraint, pgErrorCode } from "../../errors.js";
import { enqueueJob } from "../../jobs/outbox.js";
import { assertCategory, type KbCategory } from "./categories.js";
import { isValidSlug, slugify, SLUG_MAX_LENGTH } from "./slug.js";

// Transaction-level building blocks shared by the API verbs (articles.ts, versions.ts) and the
// importer, so an imported edit and an edit through PATCH follow exactly the same rules.

export type ArticleRow = typeof kbArticles.$inferSelect;

export const TITLE_MAX = 300;
export const BODY_MAX = 100_000;
export const TAGS_MAX = 20;
export const TAG_MAX = 50;

/** What a version captures. Status, slug and counters are not content: changing them makes no version. */
export interface ArticleContent {
  title: string;
  body: string;
  category: KbCategory;
  tags: string[];
}

// Validators for input that did not come through a route's zod schema (imports, workers).
// `field` names the input for the 400 (body.title from the API, title from an import file).
/** Postgres text cannot hold NUL: refuse it as bad input rather than fail in the database. */
export function checkNoNul(text: string, field: string): string {
  if (text.includes("\u0000")) throw invalidField(field, "must not contain NUL characters");
  return text;
}

export function checkTitle(title: string, field = "body.title"): string {
  const t = checkNoNul(title, field).trim();
  if (!t) throw invalidField(field, "must not be empty");
  if (t.length > TITLE_MAX) throw invalidField(field, `must be at most ${TITLE_MAX} characters`);
  return t;
}

export function checkBody(body: string, field = "body.body"): string {
  checkNoNul(body, field);
  if (!body.trim()) throw invalidField(field, "must not be empty");
  if (body.length > BODY_MAX) throw invalidField(field, `must be at most ${BODY_MAX} characters`);
  return body;
}

/** Tags are a lower-cased set, kept in first-seen order. */
export function normaliseTags(tags: readonly string[], field = "body.tags"): string[] {
  const out = [...new Set(tags.map((t) => checkNoNul(t, field).trim().toLowerCase()).filter(Boolean))];
  if (out.length > TAGS_MAX) throw invalidField(field, `at most ${TAGS_MAX} tags`);
  const long = out.find((t) => t.length > TAG_MAX);
  if (long) throw invalidField(field, `tag "${long.slice(0, 20)}…" is longer than ${TAG_MAX} characters`);
  return out;
}

export function checkContent(input: { title: string; body: string; category: string; tags: readonly string[] }, prefix = "body."): ArticleContent {
  return {
    title: checkTitle(input.title, `${prefix}title`),
    body: checkBody(input.body, `${prefix}body`),
    category: assertCategory(input.category, `${prefix}category`),
    tags: normaliseTags(input.tags, `${prefix}tags`),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An explicit slug, checked: URLs take an id or a slug, so a slug may not look like an id. */
export function checkSlug(slug: string, field = "body.slug"): string {
  if (!isValidSlug(slug)) throw invalidField(field, `must be lower-case letters and digits joined by single hyphens, at most ${SLUG_MAX_LENGTH} characters`);
  if (UUID.test(slug)) throw invalidField(field, "must not look like an article id (uuid)");
  return slug;
}

/** The explicit slug, or one derived from the title. */
export function resolveSlug(slug: string | undefined, title: string, field = "body.slug"): string {
  if (slug !== undefined) return checkSlug(slug, field);
  const derived = slugify(title);
  if (!derived) throw invalidField(field, "cannot be derived from this title; send one");
  return checkSlug(derived, field);
}

/** Unique violation on the slug → 409 SLUG_TAKEN; anything else is rethrown. */
export function mapSlugConflict(err: unknown): never {
  if (pgErrorCode(err) === "23505" && pgConstraint(err) === "kb_articles_slug_key") throw new AppError("SLUG_TAKEN");
  throw err;
}

/**
 * Loads an article by id or slug that the actor may see, or 404 — drafts and archived articles
 * do not exist for customers and visitors (RLS says the same underneath). Slugs are never
 * uuid-shaped (resolveSlug), so a uuid is always an id.
 */
export async function findArticle(
  tx: Executor,
  actor: Actor,
  idOrSlug: string,
  options: { forUpdate?: boolean } = {},
): Promise<ArticleRow> {
  const byId = UUID.test(idOrSlug);
  // Not an id and not slug-shaped: nothing can match, and Postgres need not see it (NUL bytes).
  if (!byId && !isValidSlug(idOrSlug)) throw new AppError("ARTICLE_NOT_FOUND");
  const key = byId ? eq(kbArticles.id, idOrSlug.toLowerCase()) : eq(kbArticles.slug, idOrSlug);
  const where = isStaff(actor) ? key : and(key, eq(kbArticles.status, "published"));
  const query = tx.select().from(kbArticles).where(where).limit(1);
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw new AppError("ARTICLE_NOT_FOUND");
  return row;
}

export interface NewArticle extends ArticleContent {
  slug: string;
  status: ArticleStatus;
  metadata?: Record<string, unknown>;
}

/**
 * Writes articles and their version 1 rows (one multi-row insert each, which is what makes bulk
 * imports fast); each published one is queued for indexing. Returned in input order.
 */
export async function insertArticles(tx: Executor, actor: Actor, inputs: NewArticle[]): Promise<{ row: ArticleRow; enqueued: boolean }[]> {
  if (inputs.length === 0) return [];
  const authorId = actorId(actor);
  const rows = await tx
    .insert(kbArticles)
    .values(
      inputs.map((input) => ({
        slug: input.slug,
        title: input.title,
        body: input.body,
        category: input.category,
        tags: input.tags,
        status: input.status,
        authorId,
        metadata: input.metadata ?? {},
        publishedAt: input.status === "published" ? sql`clock_timestamp()` : null,
      })),
    )
    .returning();
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  const ordered = inputs.map((input) => bySlug.get(input.slug)!);
  await tx.insert(kbArticleVersions).values(ordered.map((row) => versionOf(row, authorId)));
  const out: { row: ArticleRow; enqueued: boolean }[] = [];
  for (const row of ordered) {
    const enqueued = row.status === "published";
    if (enqueued) await enqueueJob(tx, "kb.embed", { articleId: row.id, version: row.version });
    out.push({ row, enqueued });
  }
  return out;
}

export async function insertArticle(tx: Executor, actor: Actor, input: NewArticle): Promise<{ row: ArticleRow; enqueued: boolean }> {
  const [created] = await insertArticles(tx, actor, [input]);
  return created!;
}

function versionOf(row: ArticleRow, authorId: string | null): typeof kbArticleVersions.$inferInsert {
  return {
    articleId: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    category: row.category,
    tags: row.tags,
    status: row.status,
    authorId,
  };
}

export interface ArticleChange extends Partial<ArticleContent> {
  slug?: string;
  status?: ArticleStatus;
  /** Merged into the existing metadata (imports keep their external id here). */
  metadata?: Record<string, unknown>;
}

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

export function contentDiffers(row: ArticleRow, change: ArticleChange): boolean {
  return (
    (change.title !== undefined && change.title !== row.title) ||
    (change.body !== undefined && change.body !== row.body) ||
    (change.category !== undefined && change.category !== row.category) ||
    (change.tags !== undefined && !sameTags(change.tags, row.tags))
  );
}

function metadataDiffers(row: ArticleRow, metadata: Record<string, unknown> | undefined): boolean {
  return !!metadata && Object.entries(metadata).some(([k, v]) => JSON.stringify(row.metadata[k]) !== JSON.stringify(v));
}

/** True when applying `change` would alter nothing (the importer's "unchanged"). */
export function isNoop(row: ArticleRow, change: ArticleChange): boolean {
  return (
    !contentDiffers(row, change) &&
    (change.status === undefined || change.status === row.status) &&
    (change.slug === undefined || change.slug === row.slug) &&
    !metadataDiffers(row, change.metadata)
  );
}

/**
 * Applies an edit to a locked row. The rules, in one place:
 *  - a change to title/body/category/tags (or a revert: `newVersion`) writes version N+1 with
 *    the full new content, whatever the status; `version` is always the latest version number;
 *  - status and slug changes alone make no version (history is about content);
 *  - an article that is published afterwards and whose content changed, or that just became
 *    published, is queued for indexing (kb.embed with the version to index);
 *  - an article that stops being published loses its chunks now, in this transaction, so search
 *    cannot return it even before any job runs;
 *  - published_at is the first publication and is kept across unpublish/republish.
 */
export async function applyChange(
  tx: Executor,
  actor: Actor,
  current: ArticleRow,
  change: ArticleChange,
  options: { newVersion?: boolean } = {},
): Promise<{ row: ArticleRow; enqueued: boolean }> {
  const newVersion = options.newVersion || contentDiffers(current, change);
  if (!newVersion && isNoop(current, change)) return { row: current, enqueued: false };
  const status = change.status ?? current.status;
  const [row] = await tx
    .update(kbArticles)
    .set({
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.body !== undefined ? { body: change.body } : {}),
      ...(change.category !== undefined ? { category: change.category } : {}),
      ...(change.tags !== undefined ? { tags: change.tags } : {}),
      ...(change.slug !== undefined ? { slug: change.slug } : {}),
      ...(change.metadata ? { metadata: { ...current.metadata, ...change.metadata } } : {}),
      status,
      version: newVersion ? current.version + 1 : current.version,
      ...(status === "published" && !current.publishedAt ? { publishedAt: sql`clock_timestamp()` } : {}),
      updatedAt: sql`clock_timestamp()`,
    })
    .where(eq(kbArticles.id, current.id))
    .returning();
  if (newVersion) await tx.insert(kbArticleVersions).values(versionOf(row!, actorId(actor)));
  if (current.status === "published" && status !== "published") {
    await tx.delete(kbChunks).where(eq(kbChunks.articleId, current.id));
  }
  const needsIndex = status === "published" && (newVersion || current.status !== "published");
  if (needsIndex) await enqueueJob(tx, "kb.embed", { articleId: row!.id, version: row!.version });
  return { row: row!, enqueued: needsIndex };
}
