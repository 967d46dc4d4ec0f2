import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.js";
import { requireAdmin, requireUser } from "../auth/middleware.js";
import { bearer, idParam, json, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import { listAuditEvents, listTicketEvents } from "../services/audit.js";

const tags = ["audit"];

/** A date (midnight UTC) or a date-time with offset. */
export const isoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date or date-time" })
  .openapi({ example: "2025-01-31T00:00:00Z" });

const eventSchema = z
  .object({
    id: z.number().int(),
    ticketId: z.uuid(),
    ticketNumber: z.number().int(),
    actorId: z.uuid().nullable(),
    actorName: z.string().nullable(),
    actorType: z.enum(["user", "ai", "system"]),
    kind: z.string().openapi({ example: "ticket.status_changed" }),
    field: z.string().nullable(),
    from: z.unknown().openapi({ description: "Value before the change (JSON)" }),
    to: z.unknown().openapi({ description: "Value after the change (JSON)" }),
    isInternal: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("AuditEvent");

const routes = {
  audit: createRoute({
    method: "get",
    path: "/audit",
    tags,
    summary: "Ticket events across all tickets, newest first (admin)",
    security: bearer,
    request: {
      query: z.object({
        ticketId: z.uuid().optional(),
        actorId: z.uuid().optional(),
        kind: z.string().trim().min(1).max(100).optional().openapi({ example: "ticket.assigned" }),
        from: isoInstant.optional().openapi({ description: "Inclusive" }),
        to: isoInstant.optional().openapi({ description: "Exclusive" }),
        ...paginationQuery,
      }),
    },
    responses: { 200: json(pageSchema(eventSchema), "A page of events"), ...problems(400, 401, 403) },
  }),
  ticketEvents: createRoute({
    method: "get",
    path: "/tickets/{id}/events",
    tags,
    summary: "A ticket's audit trail, oldest first (agents and admins who can see the ticket)",
    security: bearer,
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: { 200: json(pageSchema(eventSchema), "A page of events"), ...problems(400, 401, 404) },
  }),
};

export function registerAuditRoutes(app: App): void {
  app.openapi(routes.audit, async (c) => {
    requireAdmin(c);
    return c.json(await listAuditEvents(c.get("ctx"), c.req.valid("query")), 200);
  });

  app.openapi(routes.ticketEvents, async (c) => {
    requireUser(c);
    return c.json(await listTicketEvents(c.get("ctx"), c.req.valid("param").id, c.req.valid("query")), 200);
  });
}
