import { z } from "@hono/zod-openapi";
import { ARTICLE_STATUSES } from "../../../db/schema/enums.js";
import { BODY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX } from "../../services/kb/article-store.js";
import { KB_CATEGORIES } from "../../services/kb/categories.js";
import { SLUG_MAX_LENGTH } from "../../services/kb/slug.js";

// Request and response shapes of the KB article routes. Categories are checked by the service
// (one vocabulary for the API and the importer); the OpenAPI document still lists them.

export const title = z.string().trim().min(1, { error: "must not be empty" }).max(TITLE_MAX);
export const markdownBody = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(BODY_MAX, { error: `must be at most ${BODY_MAX} characters` })
  .openapi({ description: "Markdown, stored exactly as written; raw HTML in it is shown as text when rendered" });
export const category = z.string().min(1).max(64).openapi({ description: `One of: ${KB_CATEGORIES.join(", ")}`, example: "billing" });
export const tags = z.array(z.string().trim().min(1).max(TAG_MAX)).max(TAGS_MAX, { error: `at most ${TAGS_MAX} tags` }).openapi({ description: "Lower-cased on save" });
export const slug = z.string().min(1).max(SLUG_MAX_LENGTH).openapi({ description: "lower-case-words-with-hyphens; derived from the title when omitted" });
export const articleStatus = z.enum(ARTICLE_STATUSES);

export const articleSummarySchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    title: z.string(),
    status: articleStatus,
    category: z.string(),
    tags: z.array(z.string()),
    version: z.number().int(),
    helpfulCount: z.number().int(),
    notHelpfulCount: z.number().int(),
    publishedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ArticleSummary");

export const articleSchema = articleSummarySchema
  .extend({
    body: z.string().openapi({ description: "Markdown as written" }),
    html: z.string().openapi({ description: "The body rendered to safe HTML (all raw HTML escaped, only http/https/mailto/relative links)" }),
    authorId: z.uuid().nullable().optional().openapi({ description: "Staff only" }),
    metadata: z.record(z.string(), z.unknown()).optional().openapi({ description: "Staff only (import ids and the like)" }),
  })
  .openapi("Article");

export const versionSummarySchema = z
  .object({
    articleId: z.uuid(),
    version: z.number().int(),
    title: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    status: articleStatus.openapi({ description: "The article's status when this version was written" }),
    authorId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi("ArticleVersionSummary");

export const versionSchema = versionSummarySchema.extend({ body: z.string(), html: z.string() }).openapi("ArticleVersion");

export const feedbackSchema = z
  .object({
    id: z.uuid(),
    articleId: z.uuid(),
    userId: z.uuid().nullable(),
    helpful: z.boolean(),
    comment: z.string().nullable(),
    query: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("ArticleFeedback");

export const ratingSchema = z
  .object({ id: z.uuid(), articleId: z.uuid(), helpful: z.boolean(), helpfulCount: z.number().int(), notHelpfulCount: z.number().int() })
  .openapi("ArticleRating");
