import { and, desc, eq } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { ticketEvents, ticketMessages, users } from "../../../db/schema/index.js";
import { isStaff } from "../../auth/actor.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket } from "../tickets/access.js";
import { sortKeyOf } from "../../http/pagination.js";
import { selectMessages, toMessageDtos, type MessageDto } from "./message-dto.js";

/** The timeline answers at most this many of the most recent items; `truncated` says there were more. */
export const TIMELINE_MAX_ITEMS = 500;

export function toEventDto(e: typeof ticketEvents.$inferSelect & { actorName: string | null }) {
  return {
    id: e.id,
    kind: e.kind,
    field: e.field,
    from: e.fromValue,
    to: e.toValue,
    actorId: e.actorId,
    actorType: e.actorType,
    actorName: e.actorName,
    isInternal: e.isInternal,
    createdAt: e.createdAt.toISOString(),
  };
}
export type EventDto = ReturnType<typeof toEventDto>;

export type TimelineItem = { type: "message"; at: string; message: MessageDto } | { type: "event"; at: string; event: EventDto };

/**
 * Messages and audit events of one ticket merged in the order they were written, oldest first.
 *
 * Order: created_at (clock_timestamp(), compared to the microsecond), then — for the rare exact
 * tie — messages before events (a message comes before the event that records it), then id.
 * Only the last TIMELINE_MAX_ITEMS items are returned, with `truncated: true` when older ones
 * exist; the full conversation is paged by GET /tickets/{id}/messages.
 * Customers see neither internal notes nor internal events (filtered here, and RLS hides them).
 */
export async function getTimeline(ctx: ServiceContext, ticketId: string): Promise<{ data: TimelineItem[]; truncated: boolean }> {
  const staff = isStaff(ctx.actor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    await loadVisibleTicket(tx, ctx.actor, ticketId);
    // The newest CAP+1 of each kind is enough: any item among the newest CAP of the merged
    // list is among the newest CAP of its own kind.
    const messages = await selectMessages(tx)
      .where(and(eq(ticketMessages.ticketId, ticketId), staff ? undefined : eq(ticketMessages.isInternal, false)))
      .orderBy(desc(ticketMessages.createdAt), desc(ticketMessages.id))
      .limit(TIMELINE_MAX_ITEMS + 1);
    const events = await tx
      .select({ event: ticketEvents, actorName: users.fullName, sortKey: sortKeyOf(ticketEvents.createdAt) })
      .from(ticketEvents)
      .leftJoin(users, eq(users.id, ticketEvents.actorId))
      .where(and(eq(ticketEvents.ticketId, ticketId), staff ? undefined : eq(ticketEvents.isInternal, false)))
      .orderBy(desc(ticketEvents.createdAt), desc(ticketEvents.id))
      .limit(TIMELINE_MAX_ITEMS + 1);

    const messageDtos = await toMessageDtos(tx, messages);
    type Keyed = { key: string; rank: 0 | 1; tie: string; item: TimelineItem };
    const keyed: Keyed[] = [
      ...messages.map((m, i): Keyed => ({
        key: m.sortKey,
        rank: 0,
        tie: m.id,
        item: { type: "message", at: m.createdAt.toISOString(), message: messageDtos[i]! },
      })),
      ...events.map((e): Keyed => ({
        key: e.sortKey,
        rank: 1,
        tie: String(e.event.id).padStart(20, "0"),
        item: { type: "event", at: e.event.createdAt.toISOString(), event: toEventDto({ ...e.event, actorName: e.actorName }) },
      })),
    ];
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.rank - b.rank || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0)));
    const truncated = keyed.length > TIMELINE_MAX_ITEMS;
    return { data: keyed.slice(-TIMELINE_MAX_ITEMS).map((k) => k.item), truncated };
  });
}
