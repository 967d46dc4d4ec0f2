import type { Executor } from "../../../db/client.js";
import { ticketEvents } from "../../../db/schema/index.js";
import { actorId, type Actor } from "../../auth/actor.js";

export interface TicketEventInput {
  ticketId: string;
  kind: string;
  field?: string;
  from?: unknown;
  to?: unknown;
  /** Events about internal notes are internal too (customers never see them). */
  isInternal?: boolean;
  metadata?: Record<string, unknown>;
  /** Who made the change when the actor is the system: "ai" for triage and drafts. */
  actorType?: "user" | "ai" | "system";
}

/** The ticket_events rows for `events` made by `actor`, for an INSERT of one's own (writeTogether). */
export function eventRows(actor: Actor, events: TicketEventInput[]): (typeof ticketEvents.$inferInsert)[] {
  return events.map((e) => ({
    ticketId: e.ticketId,
    actorId: actorId(actor),
    actorType: e.actorType ?? (actor.kind === "user" ? ("user" as const) : ("system" as const)),
    kind: e.kind,
    field: e.field ?? null,
    fromValue: e.from === undefined ? null : e.from,
    toValue: e.to === undefined ? null : e.to,
    isInternal: e.isInternal ?? false,
    metadata: e.metadata ?? {},
  }));
}

/**
 * Appends to the audit trail. Always called inside the transaction that makes the change,
 * so a change and its event commit or vanish together.
 */
export async function recordEvents(tx: Executor, actor: Actor, events: TicketEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(ticketEvents).values(eventRows(actor, events));
}

export const recordEvent = (tx: Executor, actor: Actor, event: TicketEventInput) => recordEvents(tx, actor, [event]);

/**
 * Event kinds per ticket field (fields keep their API names). One table, so a change made by
 * PATCH, bulk update, assignment or triage reads the same in the audit trail and timeline.
 */
const FIELD_EVENT_KINDS: Record<string, string> = {
  status: "ticket.status_changed",
  priority: "ticket.priority_changed",
  assigneeId: "ticket.assigned",
  teamId: "ticket.team_changed",
  tags: "ticket.tags_changed",
  customFields: "ticket.custom_fields_changed",
  subject: "ticket.subject_changed",
};

export function fieldEventKind(field: string): string {
  return FIELD_EVENT_KINDS[field] ?? `ticket.${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_changed`;
}

/** One event per changed field, from → to. */
export function fieldChanges<T extends Record<string, unknown>>(
  ticketId: string,
  before: T,
  after: Partial<T>,
  fields: (keyof T & string)[],
): TicketEventInput[] {
  const out: TicketEventInput[] = [];
  for (const field of fields) {
    if (!(field in after)) continue;
    const from = before[field];
    const to = after[field];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    out.push({ ticketId, kind: fieldEventKind(field), field, from: from ?? null, to: to ?? null });
  }
  return out;
}
