import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireAdmin } from "../auth/middleware.js";
import { bearer, json, problems } from "../http/openapi.js";
import { agentPerformance } from "../services/reports/agent-performance.js";
import { isoInstant } from "./audit.js";

const tags = ["reports"];

const agentRow = z.object({
  agentId: z.uuid(),
  fullName: z.string(),
  role: z.enum(ROLES),
  ticketsResolved: z.number().int().openapi({ description: "Their tickets resolved in the range" }),
  medianFirstResponseMinutes: z.number().nullable().openapi({ description: "Over their tickets created in the range that got a first response" }),
  medianResolutionMinutes: z.number().nullable().openapi({ description: "Over their tickets resolved in the range" }),
  csatAverage: z.number().nullable().openapi({ description: "Ratings of their tickets created in the range" }),
  csatCount: z.number().int(),
  slaBreaches: z.number().int().openapi({ description: "Their tickets created in the range that missed (or are past) a first-response or resolution deadline" }),
});

const agentsRoute = createRoute({
  method: "get",
  path: "/reports/agents",
  tags,
  summary: "Per-agent performance over a date range (admin)",
  description: "`from` inclusive, `to` exclusive, at most 366 days apart. Agents and admins appear when they have tickets in either cohort.",
  security: bearer,
  request: { query: z.object({ from: isoInstant, to: isoInstant }) },
  responses: {
    200: json(z.object({ from: z.string(), to: z.string(), agents: z.array(agentRow) }).openapi("AgentPerformanceReport"), "The report"),
    ...problems(400, 401, 403),
  },
});

export function registerReportRoutes(app: App): void {
  app.openapi(agentsRoute, async (c) => {
    requireAdmin(c);
    const report = await agentPerformance(c.get("ctx"), c.req.valid("query"));
    return c.json({ ...report, agents: report.agents.map((a) => ({ ...a, role: a.role as (typeof ROLES)[number] })) }, 200);
  });
}
