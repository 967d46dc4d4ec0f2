import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { SYSTEM } from "../../auth/actor.js";
import { recordEvents, type TicketEventInput } from "./events.js";

export const SLA_BREACH_EVENT = "ticket.sla_breached";
export type SlaTarget = "first_response" | "resolution";

/** Per run; a backlog larger than this is worked off by the next runs (every minute). */
const BATCH = 1_000;

export interface SlaBreachResult {
  flagged: number;
  firstResponse: number;
  resolution: number;
}

/**
 * Writes one internal `ticket.sla_breached` event (field first_response | resolution) per open
 * ticket per deadline that passed unmet as of `now`, so the timeline, the audit log and
 * notifications see the moment a promise was broken. Idempotent: a target that already has its
 * event is skipped, and an advisory lock keeps two concurrent runs (several workers, a slow
 * previous run) from both writing it. Resolved and closed tickets are left alone: their
 * clocks have stopped.
 */
export async function flagSlaBreaches(db: Database, now: Date): Promise<SlaBreachResult> {
  const at = now.toISOString();
  const breaches = await runAs(db, SYSTEM, async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${SLA_BREACH_EVENT}))`);
    const rows = await queryRows<{ ticket_id: string; target: SlaTarget; due_at: string | Date }>(
      tx,
      sql`
      SELECT t.id AS ticket_id, d.target, d.due_at
      FROM tickets t
      CROSS JOIN LATERAL (VALUES
        ('first_response', t.first_response_due_at, t.first_responded_at),
        ('resolution', t.resolution_due_at, t.resolved_at)
      ) AS d(target, due_at, met_at)
      WHERE t.status IN ('new', 'open', 'pending')
        AND d.due_at IS NOT NULL AND d.due_at < ${at}::timestamptz AND d.met_at IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM ticket_events e
          WHERE e.ticket_id = t.id AND e.kind = ${SLA_BREACH_EVENT} AND e.field = d.target
        )
      ORDER BY d.due_at, t.id
      LIMIT ${BATCH}`,
    );
    const events: TicketEventInput[] = rows.map((r) => ({
      ticketId: r.ticket_id,
      kind: SLA_BREACH_EVENT,
      field: r.target,
      actorType: "system",
      isInternal: true,
      metadata: { dueAt: new Date(r.due_at).toISOString(), detectedAt: at },
    }));
    await recordEvents(tx, SYSTEM, events);
    return rows;
  });
  const firstResponse = breaches.filter((b) => b.target === "first_response").length;
  return { flagged: breaches.length, firstResponse, resolution: breaches.length - firstResponse };
}
