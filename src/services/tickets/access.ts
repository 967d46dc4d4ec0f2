import { eq, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { tickets } from "../../../db/schema/index.js";
import type { Actor } from "../../auth/actor.js";
import { AppError } from "../../errors.js";

export type TicketRow = typeof tickets.$inferSelect;

/**
 * Who may see a ticket, in SQL, for the service layer. Row-level security (0002 migration)
 * enforces the same rule underneath; this copy makes the intent visible in every query and
 * keeps the planner on good indexes.
 *  - customers: their own tickets
 *  - agents: assigned to them, of one of their teams, or unassigned with no team
 *  - admins and the system: everything
 */
export function ticketVisibility(actor: Actor) {
  if (actor.kind === "system") return undefined;
  if (actor.kind === "anonymous") return sql`false`;
  switch (actor.role) {
    case "admin":
      return undefined;
    case "customer":
      return eq(tickets.customerId, actor.id);
    case "agent":
      return sql`(${tickets.assigneeId} = ${actor.id}
        OR (${tickets.assigneeId} IS NULL AND ${tickets.teamId} IS NULL)
        OR ${tickets.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${actor.id}))`;
  }
}

/**
 * Loads a ticket the actor may see, or throws 404 — the same answer whether it does not exist
 * or belongs to someone else, so ids cannot be probed. `forUpdate` locks the row for the rest
 * of the transaction (status changes, claims).
 */
export async function loadVisibleTicket(
  tx: Executor,
  actor: Actor,
  ticketId: string,
  options: { forUpdate?: boolean } = {},
): Promise<TicketRow> {
  const visible = ticketVisibility(actor);
  const where = visible ? sql`${eq(tickets.id, ticketId)} AND ${visible}` : eq(tickets.id, ticketId);
  const query = tx.select().from(tickets).where(where);
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw new AppError("TICKET_NOT_FOUND");
  return row;
}
