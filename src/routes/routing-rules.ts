import { createRoute, z } from "@hono/zod-openapi";
import { TICKET_CHANNELS, TICKET_PRIORITIES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireAdmin } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { createRule, deleteRule, getRule, listRules, testRules, updateRule } from "../services/teams/routing-rules.js";
import { labelList } from "./teams.js";

const tags = ["routing rules"];

const ruleFields = {
  name: z.string().trim().min(1, { error: "must not be empty" }).max(200),
  position: z.number().int().min(0).max(1_000_000).openapi({ description: "Lower applies first; omitted = after the last rule" }),
  isActive: z.boolean(),
  keywords: labelList(100).openapi({
    description: "Whole words or phrases, case-insensitive; any one matching is enough",
    example: ["outage", "500 error"],
  }),
  tags: labelList(50).openapi({ description: "The ticket must carry at least one of these tags" }),
  channel: z.enum(TICKET_CHANNELS).nullable().openapi({ description: "When set, the ticket's channel must equal it" }),
  teamId: z.uuid().nullable(),
  priority: z.enum(TICKET_PRIORITIES).nullable(),
};

const ruleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int(),
    isActive: z.boolean(),
    keywords: z.array(z.string()),
    tags: z.array(z.string()),
    channel: z.enum(TICKET_CHANNELS).nullable(),
    teamId: z.uuid().nullable(),
    priority: z.enum(TICKET_PRIORITIES).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("RoutingRule");

const matchSchema = z
  .object({
    teamId: z.uuid().nullable(),
    priority: z.enum(TICKET_PRIORITIES).nullable(),
    matched: z.array(z.uuid()).openapi({ description: "Rules that decided a field, in order" }),
    reasons: z.array(z.string()),
  })
  .openapi("RoutingMatch");

const ruleDescription =
  "Active rules apply in position order; team and priority are decided separately, each by the first matching rule that sets it. " +
  "A rule matches when every kind of condition it has holds: any keyword (whole word/phrase), any tag, and the channel. " +
  "A rule with no conditions matches every ticket. A rule must set a team, a priority or both.";

const routes = {
  list: createRoute({
    method: "get",
    path: "/routing-rules",
    tags,
    summary: "List routing rules in the order they apply (admin)",
    security: bearer,
    responses: { 200: json(z.object({ data: z.array(ruleSchema) }), "Rules by position"), ...problems(401, 403) },
  }),
  create: createRoute({
    method: "post",
    path: "/routing-rules",
    tags,
    summary: "Create a routing rule (admin)",
    description: ruleDescription,
    security: bearer,
    request: {
      body: jsonBody(
        z
          .object({
            name: ruleFields.name,
            position: ruleFields.position.optional(),
            isActive: ruleFields.isActive.optional(),
            keywords: ruleFields.keywords.optional(),
            tags: ruleFields.tags.optional(),
            channel: ruleFields.channel.optional(),
            teamId: ruleFields.teamId.optional(),
            priority: ruleFields.priority.optional(),
          })
          .strict(),
      ),
    },
    responses: { 201: json(ruleSchema, "Created"), ...problems(400, 401, 403) },
  }),
  test: createRoute({
    method: "post",
    path: "/routing-rules/test",
    tags,
    summary: "Try the active rules on a sample ticket (admin)",
    description: ruleDescription,
    security: bearer,
    request: {
      body: jsonBody(
        z
          .object({
            subject: z.string().max(500).default(""),
            description: z.string().max(50_000).default(""),
            tags: z.array(z.string().max(50)).max(50).default([]),
            channel: z.enum(TICKET_CHANNELS).default("web"),
          })
          .strict(),
      ),
    },
    responses: { 200: json(matchSchema, "What the rules decide"), ...problems(400, 401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/routing-rules/{id}",
    tags,
    summary: "Get a routing rule (admin)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(ruleSchema, "The rule"), ...problems(400, 401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/routing-rules/{id}",
    tags,
    summary: "Update a routing rule (admin)",
    description: ruleDescription,
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({
            name: ruleFields.name.optional(),
            position: ruleFields.position.optional(),
            isActive: ruleFields.isActive.optional(),
            keywords: ruleFields.keywords.optional(),
            tags: ruleFields.tags.optional(),
            channel: ruleFields.channel.optional(),
            teamId: ruleFields.teamId.optional(),
            priority: ruleFields.priority.optional(),
          })
          .strict()
          .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" }),
      ),
    },
    responses: { 200: json(ruleSchema, "Updated"), ...problems(400, 401, 403, 404) },
  }),
  delete: createRoute({
    method: "delete",
    path: "/routing-rules/{id}",
    tags,
    summary: "Delete a routing rule (admin)",
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, ...problems(400, 401, 403, 404) },
  }),
};

export function registerRoutingRuleRoutes(app: App): void {
  app.openapi(routes.list, async (c) => {
    requireAdmin(c);
    return c.json({ data: await listRules(c.get("ctx")) }, 200);
  });

  app.openapi(routes.create, async (c) => {
    requireAdmin(c);
    return c.json(await createRule(c.get("ctx"), c.req.valid("json")), 201);
  });

  app.openapi(routes.test, async (c) => {
    requireAdmin(c);
    const result = await testRules(c.get("ctx"), c.req.valid("json"));
    return c.json({ teamId: result.teamId ?? null, priority: result.priority ?? null, matched: result.matched, reasons: result.reasons }, 200);
  });

  app.openapi(routes.get, async (c) => {
    requireAdmin(c);
    return c.json(await getRule(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.update, async (c) => {
    requireAdmin(c);
    return c.json(await updateRule(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });

  app.openapi(routes.delete, async (c) => {
    requireAdmin(c);
    await deleteRule(c.get("ctx"), c.req.valid("param").id);
    return c.body(null, 204);
  });
}
