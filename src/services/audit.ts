import { and, asc, desc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import { ticketEvents, tickets, users } from "../../db/schema/index.js";
import { isAdmin, isCustomer, isStaff } from "../auth/actor.js";
import { AppError, invalidField } from "../errors.js";
import { decodeCursor, encodeCursor } from "../http/pagination.js";
import type { ServiceContext } from "./context.js";
import { loadVisibleTicket } from "./tickets/access.js";

const eventColumns = {
  id: ticketEvents.id,
  ticketId: ticketEvents.ticketId,
  ticketNumber: tickets.number,
  actorId: ticketEvents.actorId,
  actorName: users.fullName,
  actorType: ticketEvents.actorType,
  kind: ticketEvents.kind,
  field: ticketEvents.field,
  from: ticketEvents.fromValue,
  to: ticketEvents.toValue,
  isInternal: ticketEvents.isInternal,
  createdAt: ticketEvents.createdAt,
};

function selectEvents(tx: Executor, where: SQL | undefined, order: SQL, limit: number) {
  return tx
    .select(eventColumns)
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(where)
    .orderBy(order)
    .limit(limit);
}
type EventRow = Awaited<ReturnType<typeof selectEvents>>[number];

function toAuditEvent(row: EventRow) {
  return { ...row, from: row.from ?? null, to: row.to ?? null, createdAt: row.createdAt.toISOString() };
}
export type AuditEvent = ReturnType<typeof toAuditEvent>;

/** Ids are a total order (identity column); the cursor is the last id seen. */
function cursorId(cursor: string | undefined): number | undefined {
  const after = decodeCursor(cursor, 1);
  if (after === undefined) return undefined;
  if (!Number.isSafeInteger(after[0])) throw invalidField("query.cursor", "not a cursor returned by this endpoint");
  return after[0] as number;
}

function page(rows: EventRow[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { data: items.map(toAuditEvent), nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}

export interface AuditQuery {
  ticketId?: string;
  actorId?: string;
  kind?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** Every ticket event, newest first, for admins reviewing who changed what. */
export async function listAuditEvents(ctx: ServiceContext, q: AuditQuery) {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may read the audit log");
  if (q.from && q.to && new Date(q.from) >= new Date(q.to)) throw invalidField("query.to", "must be after from");
  const before = cursorId(q.cursor);
  const filters: (SQL | undefined)[] = [
    q.ticketId ? eq(ticketEvents.ticketId, q.ticketId) : undefined,
    q.actorId ? eq(ticketEvents.actorId, q.actorId) : undefined,
    q.kind ? eq(ticketEvents.kind, q.kind) : undefined,
    q.from ? gte(ticketEvents.createdAt, new Date(q.from)) : undefined,
    q.to ? lt(ticketEvents.createdAt, new Date(q.to)) : undefined,
    before !== undefined ? lt(ticketEvents.id, before) : undefined,
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) => selectEvents(tx, and(...filters), desc(ticketEvents.id), q.limit + 1));
  return page(rows, q.limit);
}

/**
 * One ticket's audit trail, oldest first, for staff who can see the ticket. Customers get the
 * same 404 as for a ticket that does not exist: the trail includes internal events and
 * assignment details that are not theirs to read.
 */
export async function listTicketEvents(ctx: ServiceContext, ticketId: string, q: { limit: number; cursor?: string }) {
  if (isCustomer(ctx.actor) || !isStaff(ctx.actor)) throw new AppError("TICKET_NOT_FOUND");
  const after = cursorId(q.cursor);
  const rows = await runAs(ctx.db, ctx.actor, async (tx) => {
    await loadVisibleTicket(tx, ctx.actor, ticketId);
    const where = and(eq(ticketEvents.ticketId, ticketId), after !== undefined ? gt(ticketEvents.id, after) : undefined);
    return selectEvents(tx, where, asc(ticketEvents.id), q.limit + 1);
  });
  return page(rows, q.limit);
}
