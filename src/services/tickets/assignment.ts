import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { teamMembers, teams, tickets, users, type TicketStatus } from "../../../db/schema/index.js";
import { SYSTEM, isAdmin, isStaff, type Actor, type UserActor } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import { decodeKeyset, encodeKeyset, keysetKeyOf } from "../../http/pagination.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket, ticketVisibility, type TicketRow } from "./access.js";
import { recordEvents, type TicketEventInput } from "./events.js";

/** Statuses that still need work: what queues and workload count. */
export const ACTIVE_STATUSES: TicketStatus[] = ["new", "open", "pending"];

export function toTicketSummary(t: TicketRow) {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    customerId: t.customerId,
    teamId: t.teamId,
    assigneeId: t.assigneeId,
    tags: t.tags,
    firstResponseDueAt: t.firstResponseDueAt?.toISOString() ?? null,
    resolutionDueAt: t.resolutionDueAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
export type TicketSummary = ReturnType<typeof toTicketSummary>;

function requireStaffUser(actor: Actor): UserActor {
  if (actor.kind !== "user" || !isStaff(actor)) throw new AppError("FORBIDDEN", "only agents and admins may do this");
  return actor;
}

const now = sql`clock_timestamp()`;

/**
 * An agent takes an unassigned ticket. The claim is one conditional UPDATE (assignee still
 * NULL), so of two agents racing, Postgres lets exactly one win — whatever the driver or the
 * number of API processes. A new ticket becomes open: someone is on it.
 */
export async function claimTicket(ctx: ServiceContext, ticketId: string): Promise<TicketSummary> {
  const me = requireStaffUser(ctx.actor);
  const claimed = await runAs(ctx.db, me, async (tx) => {
    const [won] = await tx
      .update(tickets)
      .set({ assigneeId: me.id, updatedAt: now })
      .where(and(eq(tickets.id, ticketId), isNull(tickets.assigneeId), inArray(tickets.status, ACTIVE_STATUSES), ticketVisibility(me)))
      // Status is untouched by this statement, so RETURNING shows the status before the claim.
      .returning();
    if (!won) return null;
    const events: TicketEventInput[] = [{ ticketId, kind: "ticket.assigned", field: "assigneeId", from: null, to: me.id }];
    let row: TicketRow | undefined = won;
    if (won.status === "new") {
      // We hold the row lock from the UPDATE above; nobody can change it in between.
      [row] = await tx.update(tickets).set({ status: "open" }).where(eq(tickets.id, ticketId)).returning();
      events.push({ ticketId, kind: "ticket.status_changed", field: "status", from: "new", to: "open" });
    }
    await recordEvents(tx, me, events);
    return row!;
  });
  if (claimed) return toTicketSummary(claimed);
  throw await whyNotClaimed(ctx, me, ticketId);
}

/**
 * Explains a failed claim. The loser of a race on a no-team ticket can no longer see it (it is
 * now someone else's), so the check runs as the system — but only tickets the caller could
 * have claimed (no team, or one of their teams) get a 409; anything else stays a 404.
 */
async function whyNotClaimed(ctx: ServiceContext, me: UserActor, ticketId: string): Promise<AppError> {
  const [row] = await runAs(ctx.db, SYSTEM, (tx) =>
    tx
      .select({
        assigneeId: tickets.assigneeId,
        status: tickets.status,
        inMyScope: sql<boolean>`(${tickets.teamId} IS NULL OR ${tickets.assigneeId} = ${me.id}
          OR ${tickets.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${me.id}))`,
      })
      .from(tickets)
      .where(eq(tickets.id, ticketId)),
  );
  if (!row || (!isAdmin(me) && !row.inMyScope)) return new AppError("TICKET_NOT_FOUND");
  if (row.assigneeId === me.id) return new AppError("ALREADY_ASSIGNED", "this ticket is already assigned to you");
  if (row.assigneeId) return new AppError("ALREADY_ASSIGNED", "another agent claimed this ticket first");
  return new AppError("CONFLICT", `a ${row.status} ticket cannot be claimed; reopen it first`);
}

export interface AssignInput {
  assigneeId?: string | null;
  teamId?: string | null;
}

/** Admins hand a ticket to an agent and/or a team; one event per field that changed. */
export async function assignTicket(ctx: ServiceContext, ticketId: string, input: AssignInput): Promise<TicketSummary> {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may assign tickets");
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const ticket = await loadVisibleTicket(tx, ctx.actor, ticketId, { forUpdate: true });
    if (input.assigneeId) await requireAssignable(tx, input.assigneeId);
    if (input.teamId) {
      const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId));
      if (!team) throw invalidField("body.teamId", "no such team");
    }
    const patch: { assigneeId?: string | null; teamId?: string | null } = {};
    const events: TicketEventInput[] = [];
    if (input.assigneeId !== undefined && input.assigneeId !== ticket.assigneeId) {
      patch.assigneeId = input.assigneeId;
      events.push({ ticketId, kind: "ticket.assigned", field: "assigneeId", from: ticket.assigneeId, to: input.assigneeId });
    }
    if (input.teamId !== undefined && input.teamId !== ticket.teamId) {
      patch.teamId = input.teamId;
      events.push({ ticketId, kind: "ticket.team_changed", field: "teamId", from: ticket.teamId, to: input.teamId });
    }
    if (events.length === 0) return toTicketSummary(ticket);
    const [row] = await tx.update(tickets).set({ ...patch, updatedAt: now }).where(eq(tickets.id, ticketId)).returning();
    await recordEvents(tx, ctx.actor, events);
    return toTicketSummary(row!);
  });
}

async function requireAssignable(tx: Executor, userId: string): Promise<void> {
  const [user] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.isActive, true), inArray(users.role, ["agent", "admin"])));
  if (!user) throw invalidField("body.assigneeId", "must be an active agent or admin");
}

export interface QueueInput {
  limit: number;
  cursor?: string;
}

/** Unassigned, unresolved tickets the caller can see, oldest first (keyset on created_at, id). */
export async function listQueue(ctx: ServiceContext, input: QueueInput) {
  const me = requireStaffUser(ctx.actor);
  const after = decodeKeyset(input.cursor);
  const filters: (SQL | undefined)[] = [
    isNull(tickets.assigneeId),
    inArray(tickets.status, ACTIVE_STATUSES),
    ticketVisibility(me),
    after ? sql`(${tickets.createdAt}, ${tickets.id}) > (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
  ];
  const rows = await runAs(ctx.db, me, (tx) =>
    tx
      .select({ ticket: tickets, sortKey: keysetKeyOf(tickets.createdAt) })
      .from(tickets)
      .where(and(...filters))
      .orderBy(asc(tickets.createdAt), asc(tickets.id))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => toTicketSummary(r.ticket)),
    nextCursor: rows.length > input.limit && last ? encodeKeyset(last.sortKey, last.ticket.id) : null,
  };
}

// Counts over unresolved tickets; `open` counts all of new/open/pending, the rest are subsets.
const counts = {
  open: sql<number>`count(${tickets.id})::int`,
  pending: sql<number>`(count(${tickets.id}) FILTER (WHERE ${tickets.status} = 'pending'))::int`,
  urgent: sql<number>`(count(${tickets.id}) FILTER (WHERE ${tickets.priority} = 'urgent'))::int`,
  high: sql<number>`(count(${tickets.id}) FILTER (WHERE ${tickets.priority} = 'high'))::int`,
};
const unassigned = sql<number>`(count(${tickets.id}) FILTER (WHERE ${tickets.assigneeId} IS NULL))::int`;

/**
 * Unresolved tickets per agent and per team. Counted under the caller's visibility: admins see
 * every ticket, agents the numbers over the tickets they can see. Deactivated staff still
 * appear while they hold tickets, so those can be handed on.
 */
export async function getWorkload(ctx: ServiceContext) {
  const me = requireStaffUser(ctx.actor);
  const visible = ticketVisibility(me);
  return runAs(ctx.db, me, async (tx) => {
    const agents = await tx
      .select({ id: users.id, fullName: users.fullName, role: users.role, isActive: users.isActive, ...counts })
      .from(users)
      .leftJoin(tickets, and(eq(tickets.assigneeId, users.id), inArray(tickets.status, ACTIVE_STATUSES), visible))
      .where(inArray(users.role, ["agent", "admin"]))
      .groupBy(users.id)
      .having(sql`${users.isActive} OR count(${tickets.id}) > 0`)
      .orderBy(sql`count(${tickets.id}) DESC`, asc(users.fullName), asc(users.id));
    const teamRows = await tx
      .select({
        id: teams.id,
        name: teams.name,
        members: sql<number>`(SELECT count(*)::int FROM ${teamMembers} WHERE ${teamMembers.teamId} = ${teams.id})`,
        ...counts,
        unassigned,
      })
      .from(teams)
      .leftJoin(tickets, and(eq(tickets.teamId, teams.id), inArray(tickets.status, ACTIVE_STATUSES), visible))
      .groupBy(teams.id)
      .orderBy(asc(teams.name), asc(teams.id));
    const [noTeam] = await tx
      .select({ ...counts, unassigned })
      .from(tickets)
      .where(and(isNull(tickets.teamId), inArray(tickets.status, ACTIVE_STATUSES), visible));
    return { agents, teams: teamRows, noTeam: noTeam! };
  });
}
