import { and, eq, inArray, sql } from "drizzle-orm";
import { elevateToSystem, runAs } from "../../../db/scoped.js";
import { teams, tickets, users, type TicketStatus } from "../../../db/schema/index.js";
import { isStaff } from "../../auth/actor.js";
import { AppError, invalidField, isAppError } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { ticketVisibility, type TicketRow } from "./access.js";
import { normaliseTags, TICKET_LIMITS } from "./create.js";
import { toTicketDto, type TicketDto } from "./dto.js";
import { fieldChanges, recordEvents } from "./events.js";
import { statusPatch } from "./status.js";
import { recordAiOverrides } from "./update.js";

export interface BulkUpdateInput {
  ticketIds: string[];
  patch: {
    status?: TicketStatus;
    assigneeId?: string | null;
    teamId?: string | null;
    addTags?: string[];
    removeTags?: string[];
  };
}

export const BULK_MAX_TICKETS = 100;

/** statusPatch, with the 409 naming the ticket it is about. */
function namedStatusPatch(before: TicketRow, to: TicketStatus, index: number) {
  try {
    return statusPatch(before.status, to);
  } catch (err) {
    if (!isAppError(err)) throw err;
    throw new AppError(err.code, `ticket ${before.id} (#${before.number}): ${err.message}`, [
      { field: `body.ticketIds.${index}`, message: err.message },
    ]);
  }
}

/**
 * Applies one patch to many tickets, all or nothing: every ticket must be visible and every
 * status change allowed, or nothing is written. Staff only.
 */
export async function bulkUpdateTickets(ctx: ServiceContext, input: BulkUpdateInput): Promise<TicketDto[]> {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins may bulk update tickets");
  const { ticketIds, patch } = input;
  if (ticketIds.length < 1 || ticketIds.length > BULK_MAX_TICKETS) throw invalidField("body.ticketIds", `send 1–${BULK_MAX_TICKETS} ids`);
  if (new Set(ticketIds).size !== ticketIds.length) throw invalidField("body.ticketIds", "must not repeat an id");
  const addTags = normaliseTags(patch.addTags ?? []);
  const removeTags = new Set(normaliseTags(patch.removeTags ?? []));

  return runAs(ctx.db, ctx.actor, async (tx) => {
    if (patch.assigneeId) {
      const [assignee] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, patch.assigneeId), inArray(users.role, ["agent", "admin"]), eq(users.isActive, true)));
      if (!assignee) throw invalidField("body.patch.assigneeId", "must be an active agent or admin");
    }
    if (patch.teamId) {
      const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, patch.teamId));
      if (!team) throw invalidField("body.patch.teamId", "must be an existing team");
    }

    // Locked in id order so two overlapping bulk updates cannot deadlock.
    const visible = ticketVisibility(ctx.actor);
    const byId = inArray(tickets.id, ticketIds);
    const rows = await tx
      .select()
      .from(tickets)
      .where(visible ? and(byId, visible) : byId)
      .orderBy(tickets.id)
      .for("update");
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ticketIds.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw new AppError("TICKET_NOT_FOUND", `ticket ${ticketIds[missing]} not found`, [
        { field: `body.ticketIds.${missing}`, message: "not found" },
      ]);
    }

    // Every ticket is visible to the caller and locked. Writing as the system lets an agent hand
    // a ticket to a team they are not in, which the SELECT policy would otherwise refuse for
    // the new row (it leaves their sight).
    await elevateToSystem(tx);
    const updated: TicketDto[] = [];
    for (const [index, id] of ticketIds.entries()) {
      const before = found.get(id)!;
      const statusColumns = patch.status !== undefined ? namedStatusPatch(before, patch.status, index) : {};
      const tags = patch.addTags || patch.removeTags ? normaliseTags([...before.tags, ...addTags]).filter((t) => !removeTags.has(t)) : undefined;
      if (tags && tags.length > TICKET_LIMITS.tags) {
        throw invalidField("body.patch.addTags", `ticket ${id} would have more than ${TICKET_LIMITS.tags} tags`);
      }
      const after = {
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
        ...(patch.teamId !== undefined ? { teamId: patch.teamId } : {}),
        ...(tags ? { tags } : {}),
      };
      const events = fieldChanges(id, before, after, ["status", "assigneeId", "teamId", "tags"]);
      if (events.length === 0) {
        updated.push(toTicketDto(before));
        continue;
      }
      const [row] = await tx
        .update(tickets)
        .set({ ...after, ...statusColumns, updatedAt: sql`clock_timestamp()` })
        .where(eq(tickets.id, id))
        .returning();
      await recordEvents(tx, ctx.actor, events);
      await recordAiOverrides(tx, ctx.actor, before, { teamId: patch.teamId });
      updated.push(toTicketDto(row!));
    }
    return updated;
  });
}
