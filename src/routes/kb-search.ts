import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ANSWER_OUTCOMES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { clientIp } from "../auth/middleware.js";
import { RateLimiter } from "../auth/rate-limit.js";
import { AppError } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { answerQuestion, fileTicketFromAnswer, recordAnswerFeedback } from "../services/kb/answers.js";
import { KB_CATEGORIES } from "../services/kb/categories.js";
import { searchKb } from "../services/kb/search.js";
import { ticketSchema } from "./schemas/tickets.js";

const routeTags = ["knowledge base"];
const MAX_TAGS = 10;

const passageSchema = z
  .object({
    chunkId: z.uuid(),
    headingPath: z.array(z.string()),
    text: z.string(),
    highlight: z.string().openapi({ description: "HTML-escaped excerpt; matched words wrapped in <mark>" }),
    score: z.number(),
  })
  .openapi("SearchPassage");

const searchResultSchema = z
  .object({
    query: z.string(),
    confidence: z.number().openapi({ description: "Calibrated probability (0–1) that the first results answer the query" }),
    results: z.array(
      z
        .object({
          articleId: z.uuid(),
          slug: z.string(),
          title: z.string(),
          category: z.string(),
          tags: z.array(z.string()),
          url: z.string(),
          score: z.number().openapi({ description: "Reciprocal-rank-fusion score (relative, not a probability)" }),
          passages: z.array(passageSchema),
          matchedQuestion: z.string().nullable().openapi({ description: "A question this article is known to answer that matched" }),
        })
        .openapi("SearchHit"),
    ),
  })
  .openapi("SearchResult");

const answerSchema = z
  .object({
    id: z.uuid(),
    question: z.string(),
    confidence: z.number(),
    abstained: z.boolean().openapi({ description: "True: no confident answer; `passages` is empty and `message` says so" }),
    message: z.string().nullable(),
    passages: z.array(
      passageSchema.extend({ articleId: z.uuid(), title: z.string(), url: z.string() }).openapi("SuggestedPassage"),
    ),
    outcome: z.enum(ANSWER_OUTCOMES).nullable(),
    ticketId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi("Answer");

const routes = {
  search: createRoute({
    method: "get",
    path: "/kb/search",
    tags: routeTags,
    summary: "Hybrid search of the knowledge base (meaning and words), grouped by article",
    description: "Customers and visitors search published articles only.",
    request: {
      query: z.object({
        q: z.string().trim().min(1, { error: "must not be empty" }).max(500),
        category: z.enum(KB_CATEGORIES).optional(),
        tags: z
          .string()
          .max(500)
          .optional()
          .transform((v) => (v ? [...new Set(v.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))] : undefined))
          .refine((v) => !v || v.length <= MAX_TAGS, { error: `at most ${MAX_TAGS} tags` })
          .openapi({ description: "Comma-separated; articles must carry all of them" }),
        limit: z.coerce.number().int().min(1).max(50).default(10).openapi({ description: "Articles to return (1–50)" }),
      }),
    },
    responses: { 200: json(searchResultSchema, "Results, best first"), ...problems(400, 401, 429) },
  }),
  answer: createRoute({
    method: "post",
    path: "/answers",
    tags: routeTags,
    summary: "Instant answer: up to three KB passages, or an explicit 'no confident answer'",
    description: "Records an answer session; its id takes feedback and 'file a ticket anyway'.",
    request: { body: jsonBody(z.object({ question: z.string().trim().min(1, { error: "must not be empty" }).max(2000) })) },
    responses: { 201: json(answerSchema, "The answer session"), ...problems(400, 401, 429) },
  }),
  feedback: createRoute({
    method: "post",
    path: "/answers/{id}/feedback",
    tags: routeTags,
    summary: "Did the answer help? Solved with an article teaches search the question",
    description: "Only the asker (the same user, or for visitors whoever holds the session id) can answer, once.",
    request: {
      params: idParam,
      body: jsonBody(z.object({ helpful: z.boolean(), articleId: z.uuid().optional() }).strict()),
    },
    responses: { 200: json(answerSchema, "The session with its outcome"), ...problems(400, 401, 404, 409) },
  }),
  ticket: createRoute({
    method: "post",
    path: "/answers/{id}/ticket",
    tags: routeTags,
    summary: "File a ticket anyway: the question becomes a ticket linked to the session (customers)",
    description: "Idempotent: a second call returns the same ticket.",
    security: bearer,
    request: { params: idParam },
    responses: { 201: json(z.object({ answer: answerSchema, ticket: ticketSchema }), "The ticket"), ...problems(400, 401, 403, 404, 409) },
  }),
};

export function registerKbSearchRoutes(app: App): void {
  // Public endpoints: visitors are limited per address (signed-in users are accountable).
  const limiters = { search: new RateLimiter(120, 60_000), answer: new RateLimiter(30, 60_000) };
  const limit = (c: Context<AppEnv>, limiter: RateLimiter, what: string) => {
    if (c.get("actor").kind !== "anonymous") return;
    const wait = limiter.hit(`${what}:${clientIp(c) ?? "unknown"}`);
    if (wait) throw new AppError("RATE_LIMITED", `try again in ${wait} s`, undefined, { "retry-after": String(wait) });
  };

  app.openapi(routes.search, async (c) => {
    limit(c, limiters.search, "search");
    return c.json(await searchKb(c.get("ctx"), c.req.valid("query")), 200);
  });

  app.openapi(routes.answer, async (c) => {
    limit(c, limiters.answer, "answer");
    return c.json(await answerQuestion(c.get("ctx"), c.req.valid("json").question), 201);
  });

  app.openapi(routes.feedback, async (c) => {
    return c.json(await recordAnswerFeedback(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });

  app.openapi(routes.ticket, async (c) => {
    return c.json(await fileTicketFromAnswer(c.get("ctx"), c.req.valid("param").id), 201);
  });
}
