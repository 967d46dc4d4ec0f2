import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.js";
import { requireAdmin } from "../auth/middleware.js";
import { bearer, idParam, json, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import { aiMetrics } from "../services/ai-admin/metrics.js";
import { getAiRun, listAiFeedback, listAiRuns } from "../services/ai-admin/runs.js";
import { isoInstant } from "./audit.js";

const tags = ["ai-admin"];

const runSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().openapi({ example: "triage" }),
    ticketId: z.uuid().nullable(),
    provider: z.string().openapi({ example: "local" }),
    model: z.string(),
    output: z.unknown().openapi({ description: "What the model answered (JSON)" }),
    confidence: z.number().nullable(),
    latencyMs: z.number().int(),
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
    costUsd: z.number(),
    error: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("AiRun");

const runDetailSchema = runSchema.extend({ input: z.unknown().openapi({ description: "What the model was given (JSON)" }) }).openapi("AiRunDetail");

const FEEDBACK_KINDS = ["draft_review", "override", "rating"] as const;

const feedbackSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(FEEDBACK_KINDS),
    ticketId: z.uuid().nullable(),
    draftId: z.uuid().nullable(),
    runId: z.uuid().nullable(),
    field: z.string().nullable().openapi({ example: "priority" }),
    aiValue: z.unknown(),
    humanValue: z.unknown(),
    editDistance: z.number().nullable(),
    rating: z.number().int().nullable(),
    actorId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi("AiFeedback");

const range = {
  from: isoInstant.optional().openapi({ description: "Inclusive" }),
  to: isoInstant.optional().openapi({ description: "Exclusive" }),
};
const name = z.string().trim().min(1).max(100);

const rate = z.number().nullable().openapi({ description: "0..1, rounded to 4 places; null when there is nothing to divide by" });
const decisionSchema = z.object({
  decisions: z.number().int().openapi({ description: "Tickets triaged in the range with an AI value for the field" }),
  overridden: z.number().int().openapi({ description: "Of those, changed later by staff (ai_feedback override)" }),
  accuracy: rate.openapi({ description: "Share not overridden" }),
});

const metricsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    drafts: z.object({
      total: z.number().int().openapi({ description: "Drafts created in the range" }),
      sent: z.number().int(),
      sentAsIs: z.number().int(),
      lightlyEdited: z.number().int().openapi({ description: "Edit distance ≤ 0.3 (word-level, normalised)" }),
      heavilyEdited: z.number().int(),
      rejected: z.number().int(),
      abstained: z.number().int(),
      pending: z.number().int(),
      superseded: z.number().int(),
      meanEditDistance: z.number().nullable().openapi({ description: "Over sent drafts" }),
    }),
    triage: z.object({
      triaged: z.number().int().openapi({ description: "Tickets triaged in the range" }),
      flaggedForHuman: z.number().int(),
      priority: decisionSchema,
      team: decisionSchema,
      byTeam: z.array(
        z.object({
          teamId: z.string().nullable().openapi({ description: "The team triage chose; null when it left the team to a person" }),
          teamName: z.string().nullable(),
          triaged: z.number().int(),
          flaggedForHuman: z.number().int(),
          priority: decisionSchema,
          team: decisionSchema,
        }),
      ),
    }),
    deflection: z.object({
      sessions: z.number().int().openapi({ description: "Instant-answer sessions in the range" }),
      solved: z.number().int(),
      notHelpful: z.number().int(),
      ticketFiled: z.number().int(),
      noOutcome: z.number().int(),
      abstained: z.number().int(),
      deflectionRate: rate.openapi({ description: "solved / sessions with an outcome" }),
      deflectionRateOverall: rate.openapi({ description: "solved / all sessions" }),
      abstainRate: rate,
    }),
    kbGaps: z
      .array(
        z.object({
          count: z.number().int(),
          representative: z.string(),
          examples: z.array(z.string()),
          lastAskedAt: z.string(),
          fromAnswers: z.number().int(),
          fromDrafts: z.number().int(),
        }),
      )
      .openapi({ description: "Top 10 groups of similar low-confidence questions (word-set Jaccard ≥ 0.5)" }),
    runs: z.object({
      byKind: z.array(
        z.object({
          kind: z.string(),
          runs: z.number().int(),
          errors: z.number().int(),
          errorRate: rate,
          latencyP50Ms: z.number().nullable(),
          latencyP95Ms: z.number().nullable(),
          promptTokens: z.number(),
          completionTokens: z.number(),
          costUsd: z.number(),
        }),
      ),
      total: z.object({
        runs: z.number().int(),
        errors: z.number().int(),
        errorRate: rate,
        promptTokens: z.number(),
        completionTokens: z.number(),
        costUsd: z.number(),
      }),
    }),
  })
  .openapi("AiMetrics");

const routes = {
  runs: createRoute({
    method: "get",
    path: "/ai/runs",
    tags,
    summary: "Every AI call, newest first (admin)",
    security: bearer,
    request: {
      query: z.object({
        kind: name.optional().openapi({ example: "triage" }),
        ticketId: z.uuid().optional(),
        provider: name.optional(),
        model: name.optional(),
        hasError: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
        ...range,
        ...paginationQuery,
      }),
    },
    responses: { 200: json(pageSchema(runSchema), "A page of runs"), ...problems(400, 401, 403) },
  }),
  run: createRoute({
    method: "get",
    path: "/ai/runs/{id}",
    tags,
    summary: "One AI call with its input (admin)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(runDetailSchema, "The run"), ...problems(400, 401, 403, 404) },
  }),
  feedback: createRoute({
    method: "get",
    path: "/ai/feedback",
    tags,
    summary: "Human corrections of the AI (draft reviews, overrides, ratings), newest first (admin)",
    security: bearer,
    request: {
      query: z.object({
        kind: z.enum(FEEDBACK_KINDS).optional(),
        field: name.optional().openapi({ example: "priority" }),
        ticketId: z.uuid().optional(),
        ...range,
        ...paginationQuery,
      }),
    },
    responses: { 200: json(pageSchema(feedbackSchema), "A page of feedback"), ...problems(400, 401, 403) },
  }),
  metrics: createRoute({
    method: "get",
    path: "/metrics/ai",
    tags,
    summary: "How well the AI is doing over a date range (admin)",
    description: "`from` inclusive, `to` exclusive, at most 366 days apart; by default the last 30 days.",
    security: bearer,
    request: { query: z.object(range) },
    responses: { 200: json(metricsSchema, "The dashboard's numbers"), ...problems(400, 401, 403) },
  }),
};

export function registerAiAdminRoutes(app: App): void {
  app.openapi(routes.runs, async (c) => {
    requireAdmin(c);
    return c.json(await listAiRuns(c.get("ctx"), c.req.valid("query")), 200);
  });
  app.openapi(routes.run, async (c) => {
    requireAdmin(c);
    return c.json(await getAiRun(c.get("ctx"), c.req.valid("param").id), 200);
  });
  app.openapi(routes.feedback, async (c) => {
    requireAdmin(c);
    return c.json(await listAiFeedback(c.get("ctx"), c.req.valid("query")), 200);
  });
  app.openapi(routes.metrics, async (c) => {
    requireAdmin(c);
    return c.json(await aiMetrics(c.get("ctx"), c.req.valid("query")), 200);
  });
}
