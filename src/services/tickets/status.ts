import { sql, type SQL } from "drizzle-orm";
import type { TicketStatus } from "../../../db/schema/enums.js";
import { AppError } from "../../errors.js";

/**
 * Allowed status changes. `closed` is final (a customer writes a new ticket); `resolved` can be
 * reopened, by an agent or by the customer replying.
 */
export const STATUS_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ["open", "pending", "resolved", "closed"],
  open: ["pending", "resolved", "closed"],
  pending: ["open", "resolved", "closed"],
  resolved: ["open", "closed"],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** The column updates a status change implies (resolved_at, closed_at), or a 409 if not allowed. */
export function statusPatch(from: TicketStatus, to: TicketStatus): { status: TicketStatus; resolvedAt?: SQL | null; closedAt?: SQL | null } {
  if (!canTransition(from, to)) {
    throw new AppError("INVALID_TRANSITION", `a ${from} ticket cannot become ${to} (allowed: ${STATUS_TRANSITIONS[from].join(", ") || "none"})`);
  }
  if (from === to) return { status: to };
  const now = sql`clock_timestamp()`;
  switch (to) {
    case "resolved":
      return { status: to, resolvedAt: now };
    case "closed":
      return { status: to, closedAt: now, ...(from === "resolved" ? {} : { resolvedAt: now }) };
    default:
      // Reopening: the ticket is no longer resolved.
      return { status: to, resolvedAt: null };
  }
}
