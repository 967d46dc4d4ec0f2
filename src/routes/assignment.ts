import { createRoute, z } from "@hono/zod-openapi";
import { ROLES, TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireAdmin, requireStaff } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import { assignTicket, claimTicket, getWorkload, listQueue } from "../services/tickets/assignment.js";

const tags = ["assignment"];

const ticketSummary = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    subject: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.enum(TICKET_PRIORITIES),
    channel: z.enum(TICKET_CHANNELS),
    customerId: z.uuid(),
    teamId: z.uuid().nullable(),
    assigneeId: z.uuid().nullable(),
    tags: z.array(z.string()),
    firstResponseDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("TicketSummary");

const countFields = {
  open: z.number().int().openapi({ description: "Unresolved tickets: new, open or pending" }),
  pending: z.number().int().openapi({ description: "Of those, waiting on the customer" }),
  urgent: z.number().int(),
  high: z.number().int(),
};

const workloadSchema = z
  .object({
    agents: z.array(
      z.object({ id: z.uuid(), fullName: z.string(), role: z.enum(ROLES), isActive: z.boolean(), ...countFields }),
    ),
    teams: z.array(z.object({ id: z.uuid(), name: z.string(), members: z.number().int(), ...countFields, unassigned: z.number().int() })),
    noTeam: z.object({ ...countFields, unassigned: z.number().int() }),
  })
  .openapi("Workload");

const routes = {
  claim: createRoute({
    method: "post",
    path: "/tickets/{id}/claim",
    tags,
    summary: "Take an unassigned ticket (agents and admins)",
    description:
      "Race-safe: of several agents claiming at once exactly one wins; the others get 409 ALREADY_ASSIGNED. " +
      "A new ticket becomes open. Resolved and closed tickets cannot be claimed (409).",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(ticketSummary, "Claimed"), ...problems(400, 401, 403, 404, 409) },
  }),
  assign: createRoute({
    method: "post",
    path: "/tickets/{id}/assign",
    tags,
    summary: "Set a ticket's assignee and/or team (admin)",
    description: "null clears the field. The assignee must be an active agent or admin.",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({ assigneeId: z.uuid().nullable().optional(), teamId: z.uuid().nullable().optional() })
          .strict()
          .refine((v) => v.assigneeId !== undefined || v.teamId !== undefined, { error: "send assigneeId, teamId or both" }),
      ),
    },
    responses: { 200: json(ticketSummary, "The ticket after the change"), ...problems(400, 401, 403, 404) },
  }),
  queue: createRoute({
    method: "get",
    path: "/queue",
    tags,
    summary: "Unassigned, unresolved tickets you can see, oldest first (agents and admins)",
    security: bearer,
    request: { query: z.object(paginationQuery) },
    responses: { 200: json(pageSchema(ticketSummary), "A page of the queue"), ...problems(400, 401, 403) },
  }),
  workload: createRoute({
    method: "get",
    path: "/workload",
    tags,
    summary: "Unresolved tickets per agent and per team (agents and admins)",
    description: "Admins count every ticket; agents count the tickets they can see.",
    security: bearer,
    responses: { 200: json(workloadSchema, "Workload"), ...problems(401, 403) },
  }),
};

export function registerAssignmentRoutes(app: App): void {
  app.openapi(routes.claim, async (c) => {
    requireStaff(c);
    return c.json(await claimTicket(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.assign, async (c) => {
    requireAdmin(c);
    return c.json(await assignTicket(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });

  app.openapi(routes.queue, async (c) => {
    requireStaff(c);
    return c.json(await listQueue(c.get("ctx"), c.req.valid("query")), 200);
  });

  app.openapi(routes.workload, async (c) => {
    requireStaff(c);
    return c.json(await getWorkload(c.get("ctx")), 200);
  });
}
