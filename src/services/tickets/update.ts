import { eq, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { aiFeedback, tickets, type TicketPriority, type TicketStatus } from "../../../db/schema/index.js";
import { actorId, isCustomer, isStaff, type Actor } from "../../auth/actor.js";
import { AppError } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket, type TicketRow } from "./access.js";
import { normaliseTags } from "./create.js";
import { toTicketDto, type TicketDto } from "./dto.js";
import { fieldChanges, recordEvents } from "./events.js";
import { slaDueColumns } from "./sla.js";
import { statusPatch } from "./status.js";

export async function getTicket(ctx: ServiceContext, id: string): Promise<TicketDto> {
  return runAs(ctx.db, ctx.actor, async (tx) => toTicketDto(await loadVisibleTicket(tx, ctx.actor, id)));
}

export interface UpdateTicketInput {
  status?: TicketStatus;
  priority?: TicketPriority;
  tags?: string[];
  customFields?: Record<string, unknown>;
  subject?: string;
}

/** Customers may only close or resolve their own ticket; everything else is staff work. */
const CUSTOMER_STATUSES: readonly TicketStatus[] = ["resolved", "closed"];

/**
 * When staff change a value triage decided (metadata.ai.priority / metadata.ai.teamId), the
 * disagreement is kept as ai_feedback "override": training signal for the classifier.
 */
export async function recordAiOverrides(
  tx: Executor,
  actor: Actor,
  before: TicketRow,
  after: { priority?: TicketPriority; teamId?: string | null },
): Promise<void> {
  const ai = (before.metadata?.ai ?? {}) as { priority?: unknown; teamId?: unknown };
  const rows = (
    [
      ["priority", ai.priority, before.priority, after.priority],
      ["team", ai.teamId, before.teamId, after.teamId],
    ] as const
  )
    .filter(([, aiValue, was, now]) => aiValue !== undefined && now !== undefined && now !== was && now !== aiValue)
    .map(([field, aiValue, , humanValue]) => ({
      kind: "override" as const,
      ticketId: before.id,
      field,
      aiValue,
      humanValue,
      actorId: actorId(actor),
    }));
  if (rows.length) await tx.insert(aiFeedback).values(rows);
}

/** Edits a ticket the caller can see; the change and its events commit together. */
export async function updateTicket(ctx: ServiceContext, id: string, patch: UpdateTicketInput): Promise<TicketDto> {
  if (!isStaff(ctx.actor) && !isCustomer(ctx.actor)) throw new AppError("UNAUTHENTICATED");
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const before = await loadVisibleTicket(tx, ctx.actor, id, { forUpdate: true });
    if (isCustomer(ctx.actor)) {
      const others = Object.keys(patch).filter((k) => k !== "status" && patch[k as keyof UpdateTicketInput] !== undefined);
      if (others.length) throw new AppError("FORBIDDEN", `customers cannot change ${others.join(", ")}`);
      if (patch.status && !CUSTOMER_STATUSES.includes(patch.status)) {
        throw new AppError("FORBIDDEN", "customers can only mark their ticket resolved or closed");
      }
    }

    const after = {
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.tags !== undefined ? { tags: normaliseTags(patch.tags) } : {}),
      ...(patch.customFields !== undefined ? { customFields: patch.customFields } : {}),
      ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
    };
    const events = fieldChanges(id, before, after, ["status", "priority", "tags", "customFields", "subject"]);
    if (events.length === 0) return toTicketDto(before);

    const statusColumns = patch.status !== undefined ? statusPatch(before.status, patch.status) : {};
    // A new priority means new targets, still measured from when the ticket was opened.
    const slaColumns =
      patch.priority !== undefined && patch.priority !== before.priority
        ? slaDueColumns(patch.priority, tickets.createdAt)
        : {};
    const [row] = await tx
      .update(tickets)
      .set({ ...after, ...statusColumns, ...slaColumns, updatedAt: sql`clock_timestamp()` })
      .where(eq(tickets.id, id))
      .returning();
    await recordEvents(tx, ctx.actor, events);
    if (isStaff(ctx.actor)) await recordAiOverrides(tx, ctx.actor, before, { priority: patch.priority });
    return toTicketDto(row!);
  });
}
