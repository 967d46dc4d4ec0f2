import type { kbArticleVersions } from "../../../db/schema/index.js";
import type { ArticleRow } from "./article-store.js";
import { renderMarkdown } from "./render.js";

// What the API shows of articles. The markdown goes out exactly as written (`body`) next to its
// rendering (`html`), which is the only form a page should insert as HTML.

export function toArticleSummary(row: ArticleRow) {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    status: row.status,
    category: row.category,
    tags: row.tags,
    version: row.version,
    helpfulCount: row.helpfulCount,
    notHelpfulCount: row.notHelpfulCount,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ArticleSummary = ReturnType<typeof toArticleSummary>;

/** Staff also see who wrote it and the metadata (import ids and the like). */
export function toArticle(row: ArticleRow, staff: boolean) {
  return {
    ...toArticleSummary(row),
    body: row.body,
    html: renderMarkdown(row.body),
    ...(staff ? { authorId: row.authorId, metadata: row.metadata } : {}),
  };
}
export type ArticleDto = ReturnType<typeof toArticle>;

export type VersionRow = typeof kbArticleVersions.$inferSelect;

export function toVersionSummary(v: VersionRow) {
  return {
    articleId: v.articleId,
    version: v.version,
    title: v.title,
    category: v.category,
    tags: v.tags,
    status: v.status,
    authorId: v.authorId,
    createdAt: v.createdAt.toISOString(),
  };
}

export function toVersion(v: VersionRow) {
  return { ...toVersionSummary(v), body: v.body, html: renderMarkdown(v.body) };
}
