import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.js";
import { requireStaff, requireUser } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import {
  createArticle,
  deleteArticle,
  getArticle,
  getVersion,
  listArticles,
  listVersions,
  revertArticle,
  updateArticle,
} from "../services/kb/articles.js";
import { KB_CATEGORIES } from "../services/kb/categories.js";
import { listFeedback, rateArticle } from "../services/kb/feedback.js";
import {
  articleSchema,
  articleStatus,
  articleSummarySchema,
  category,
  feedbackSchema,
  markdownBody,
  ratingSchema,
  slug,
  tags,
  title,
  versionSchema,
  versionSummarySchema,
} from "./schemas/kb-articles.js";

const routeTags = ["knowledge base"];
const idOrSlugParam = z.object({
  idOrSlug: z.string().min(1).max(100).openapi({ param: { name: "idOrSlug", in: "path" }, description: "Article id or slug" }),
});
const versionParams = idParam.extend({
  version: z.coerce.number().int().min(1).max(1_000_000).openapi({ param: { name: "version", in: "path" } }),
});

const routes = {
  categories: createRoute({
    method: "get",
    path: "/kb/categories",
    tags: routeTags,
    summary: "The article categories",
    responses: { 200: json(z.object({ data: z.array(z.string()) }), "Categories") },
  }),
  list: createRoute({
    method: "get",
    path: "/kb/articles",
    tags: routeTags,
    summary: "List articles, most recently updated first",
    description: "Customers and visitors see published articles only; staff see every status.",
    request: {
      query: z.object({
        category: category.optional(),
        status: articleStatus.optional(),
        tag: z.string().trim().min(1).max(50).optional(),
        q: z.string().trim().min(1).max(200).optional().openapi({ description: "Matches the title (case-insensitive)" }),
        ...paginationQuery,
      }),
    },
    responses: { 200: json(pageSchema(articleSummarySchema), "A page of articles"), ...problems(400, 401) },
  }),
  create: createRoute({
    method: "post",
    path: "/kb/articles",
    tags: routeTags,
    summary: "Write an article (agents and admins)",
    description: "Publishing (now or later) queues the article for search indexing.",
    security: bearer,
    request: {
      body: jsonBody(
        z.object({ title, body: markdownBody, category, tags: tags.optional(), slug: slug.optional(), status: articleStatus.optional() }).strict(),
      ),
    },
    responses: { 201: json(articleSchema, "Created (version 1)"), ...problems(400, 401, 403, 409) },
  }),
  get: createRoute({
    method: "get",
    path: "/kb/articles/{idOrSlug}",
    tags: routeTags,
    summary: "Get an article by id or slug, with its markdown and rendered HTML",
    request: { params: idOrSlugParam },
    responses: { 200: json(articleSchema, "The article"), ...problems(401, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/kb/articles/{id}",
    tags: routeTags,
    summary: "Edit an article or change its status (agents and admins)",
    description:
      "A change to title, body, category or tags writes a new version. Leaving `published` removes the article from search at once; " +
      "publishing or editing a published article re-queues indexing. Send `expectedVersion` to fail with 409 if someone else edited it first.",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({
            title: title.optional(),
            body: markdownBody.optional(),
            category: category.optional(),
            tags: tags.optional(),
            slug: slug.optional(),
            status: articleStatus.optional(),
            expectedVersion: z.number().int().min(1).optional(),
          })
          .strict()
          .refine(({ expectedVersion: _, ...rest }) => Object.values(rest).some((v) => v !== undefined), { error: "send at least one field to change" }),
      ),
    },
    responses: { 200: json(articleSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  remove: createRoute({
    method: "delete",
    path: "/kb/articles/{id}",
    tags: routeTags,
    summary: "Delete a never-published article (admins); published ones are archived instead",
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, ...problems(400, 401, 403, 404, 409) },
  }),
  versions: createRoute({
    method: "get",
    path: "/kb/articles/{id}/versions",
    tags: routeTags,
    summary: "An article's version history, newest first (agents and admins)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(z.object({ data: z.array(versionSummarySchema) }), "Versions"), ...problems(400, 401, 403, 404) },
  }),
  version: createRoute({
    method: "get",
    path: "/kb/articles/{id}/versions/{version}",
    tags: routeTags,
    summary: "One version's full content (agents and admins)",
    security: bearer,
    request: { params: versionParams },
    responses: { 200: json(versionSchema, "The version"), ...problems(400, 401, 403, 404) },
  }),
  revert: createRoute({
    method: "post",
    path: "/kb/articles/{id}/revert",
    tags: routeTags,
    summary: "Restore an old version's content as a new version (agents and admins)",
    security: bearer,
    request: { params: idParam, body: jsonBody(z.object({ version: z.number().int().min(1) }).strict()) },
    responses: { 200: json(articleSchema, "The article at its new version"), ...problems(400, 401, 403, 404) },
  }),
  rate: createRoute({
    method: "post",
    path: "/kb/articles/{idOrSlug}/feedback",
    tags: routeTags,
    summary: "Was this article helpful? (anyone who can read it)",
    request: {
      params: idOrSlugParam,
      body: jsonBody(
        z
          .object({
            helpful: z.boolean(),
            comment: z.string().max(2000).optional(),
            query: z.string().max(500).optional().openapi({ description: "The search that led here, if known" }),
          })
          .strict(),
      ),
    },
    responses: { 201: json(ratingSchema, "Recorded; the article's counts after it"), ...problems(400, 401, 404) },
  }),
  feedback: createRoute({
    method: "get",
    path: "/kb/articles/{id}/feedback",
    tags: routeTags,
    summary: "Feedback left on an article, newest first (agents and admins)",
    security: bearer,
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: { 200: json(pageSchema(feedbackSchema), "A page of feedback"), ...problems(400, 401, 403, 404) },
  }),
};

export function registerKbArticleRoutes(app: App): void {
  app.openapi(routes.categories, (c) => c.json({ data: [...KB_CATEGORIES] }, 200));

  app.openapi(routes.list, async (c) => c.json(await listArticles(c.get("ctx"), c.req.valid("query")), 200));

  app.openapi(routes.create, async (c) => {
    requireStaff(c);
    return c.json(await createArticle(c.get("ctx"), c.req.valid("json")), 201);
  });

  app.openapi(routes.get, async (c) => c.json(await getArticle(c.get("ctx"), c.req.valid("param").idOrSlug), 200));

  app.openapi(routes.update, async (c) => {
    requireStaff(c);
    const { expectedVersion, ...patch } = c.req.valid("json");
    return c.json(await updateArticle(c.get("ctx"), c.req.valid("param").id, patch, { expectedVersion }), 200);
  });

  app.openapi(routes.remove, async (c) => {
    requireUser(c);
    await deleteArticle(c.get("ctx"), c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(routes.versions, async (c) => {
    requireStaff(c);
    return c.json(await listVersions(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.version, async (c) => {
    requireStaff(c);
    const { id, version } = c.req.valid("param");
    return c.json(await getVersion(c.get("ctx"), id, version), 200);
  });

  app.openapi(routes.revert, async (c) => {
    requireStaff(c);
    return c.json(await revertArticle(c.get("ctx"), c.req.valid("param").id, c.req.valid("json").version), 200);
  });

  app.openapi(routes.rate, async (c) => c.json(await rateArticle(c.get("ctx"), c.req.valid("param").idOrSlug, c.req.valid("json")), 201));

  app.openapi(routes.feedback, async (c) => {
    requireStaff(c);
    return c.json(await listFeedback(c.get("ctx"), c.req.valid("param").id, c.req.valid("query")), 200);
  });
}
