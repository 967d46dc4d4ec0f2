import { eq } from "drizzle-orm";
import { queryRows } from "../../db/client.js";
import { tickets, type TicketStatus } from "../../db/schema/index.js";
import { sql } from "drizzle-orm";
import type { TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket } from "../harness/factories.js";

/**
 * The people every conversation test needs: two customers, an agent in the ticket's team,
 * an agent in another team (not assigned), and an admin.
 */
export async function createCast(ctx: TestContext) {
  const customerA = await signedInUser(ctx, "customer", { fullName: "Alice Customer" });
  const customerB = await signedInUser(ctx, "customer", { fullName: "Bob Customer" });
  const agent = await signedInUser(ctx, "agent", { fullName: "Ada Agent" });
  const outsider = await signedInUser(ctx, "agent", { fullName: "Otto Outsider" });
  const admin = await signedInUser(ctx, "admin", { fullName: "Ann Admin" });
  const team = await createTeam(ctx.database.db, { members: [agent.user.id] });
  await createTeam(ctx.database.db, { members: [outsider.user.id] });
  /** A ticket of customer A in the agent's team (so the outsider cannot see it). */
  const ticketOf = (status: TicketStatus = "open", customerId = customerA.user.id) =>
    createTicket(ctx.database.db, { customerId, teamId: team.id, status });
  return { customerA, customerB, agent, outsider, admin, team, ticketOf };
}

export async function ticketRow(ctx: TestContext, id: string) {
  const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, id));
  return row!;
}

export async function eventsOf(ctx: TestContext, ticketId: string) {
  return queryRows<{ kind: string; field: string | null; from_value: unknown; to_value: unknown; is_internal: boolean; actor_id: string | null }>(
    ctx.database.db,
    sql`SELECT kind, field, from_value, to_value, is_internal, actor_id FROM ticket_events WHERE ticket_id = ${ticketId} ORDER BY id`,
  );
}

export async function countRows(ctx: TestContext, table: "ticket_messages" | "attachments" | "ticket_events" | "outbox" | "ticket_feedback", ticketId?: string) {
  const where = ticketId
    ? table === "outbox"
      ? sql` WHERE payload->>'ticketId' = ${ticketId}`
      : sql` WHERE ticket_id = ${ticketId}`
    : sql``;
  const [row] = await queryRows<{ n: number }>(ctx.database.db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}${where}`);
  return row!.n;
}

/** multipart/form-data with a JSON `data` field and files, the way a browser sends it. */
export function form(data: unknown, ...files: File[]): FormData {
  const fd = new FormData();
  if (data !== undefined) fd.append("data", typeof data === "string" ? data : JSON.stringify(data));
  for (const f of files) fd.append("files", f);
  return fd;
}

export const textFile = (content = "hello", name = "a.txt", type = "text/plain") => new File([content], name, { type });
