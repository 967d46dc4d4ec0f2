import { createRoute, z } from "@hono/zod-openapi";
import { DRAFT_STATUSES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireStaff } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import { approveDraft, getDraft, listDrafts, rejectDraft } from "../services/drafts/review.js";

const tags = ["drafts"];

const citationSchema = z.object({
  articleId: z.uuid(),
  chunkId: z.uuid(),
  slug: z.string(),
  title: z.string(),
  sentences: z.array(z.string()).optional(),
});

const draftSchema = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    messageId: z.uuid().nullable(),
    body: z.string(),
    citations: z.array(citationSchema),
    confidence: z.number(),
    status: z.enum(DRAFT_STATUSES),
    reviewerId: z.uuid().nullable(),
    finalBody: z.string().nullable(),
    editDistance: z.number().nullable(),
    rejectReason: z.string().nullable(),
    createdAt: z.string(),
    reviewedAt: z.string().nullable(),
  })
  .openapi("Draft");

const routes = {
  list: createRoute({
    method: "get",
    path: "/drafts",
    tags,
    summary: "AI drafts to review (agents and admins), oldest first",
    security: bearer,
    request: { query: z.object({ status: z.enum(DRAFT_STATUSES).optional(), ticketId: z.uuid().optional(), ...paginationQuery }) },
    responses: { 200: json(pageSchema(draftSchema), "A page of drafts"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/drafts/{id}",
    tags,
    summary: "One draft with its citations",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(draftSchema, "The draft"), ...problems(400, 401, 403, 404) },
  }),
  approve: createRoute({
    method: "post",
    path: "/drafts/{id}/approve",
    tags,
    summary: "Send a draft as your reply, as drafted or edited",
    description:
      "Without `body` the draft is sent as is (approved); with `body` the edited text is sent (edited). The normalised edit distance is recorded as feedback, and the cited articles learn the customer's question.",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({
            body: z.string().trim().min(1).max(20_000).optional(),
            status: z.enum(["pending", "resolved"]).optional().openapi({ description: "Also wait on the customer, or resolve" }),
          })
          .strict(),
      ),
    },
    responses: { 200: json(draftSchema, "Sent"), ...problems(400, 401, 403, 404, 409) },
  }),
  reject: createRoute({
    method: "post",
    path: "/drafts/{id}/reject",
    tags,
    summary: "Reject a draft with a reason",
    security: bearer,
    request: { params: idParam, body: jsonBody(z.object({ reason: z.string().trim().min(1).max(2000) }).strict()) },
    responses: { 200: json(draftSchema, "Rejected"), ...problems(400, 401, 403, 404, 409) },
  }),
};

export function registerDraftRoutes(app: App): void {
  app.openapi(routes.list, async (c) => {
    requireStaff(c);
    return c.json(await listDrafts(c.get("ctx"), c.req.valid("query")), 200);
  });
  app.openapi(routes.get, async (c) => {
    requireStaff(c);
    return c.json(await getDraft(c.get("ctx"), c.req.valid("param").id), 200);
  });
  app.openapi(routes.approve, async (c) => {
    requireStaff(c);
    return c.json(await approveDraft(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });
  app.openapi(routes.reject, async (c) => {
    requireStaff(c);
    return c.json(await rejectDraft(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });
}
