import { eq } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { ticketFeedback } from "../../../db/schema/index.js";
import { actorId } from "../../auth/actor.js";
import { AppError, invalidField, pgConstraint, pgErrorCode } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket } from "./access.js";
import { recordEvent } from "./events.js";

export interface RateTicketInput {
  rating: number;
  comment?: string | null;
}

export const CSAT_COMMENT_MAX_CHARS = 2000;

type FeedbackRow = typeof ticketFeedback.$inferSelect;

export function toRatingDto(f: FeedbackRow) {
  return {
    id: f.id,
    ticketId: f.ticketId,
    customerId: f.customerId,
    rating: f.rating,
    comment: f.comment,
    createdAt: f.createdAt.toISOString(),
  };
}

/**
 * The customer rates how their ticket was handled (CSAT, 1–5), once, after it is resolved or
 * closed. Staff who can see the ticket get 403 (rating is the customer's voice); anyone else 404.
 */
export async function rateTicket(ctx: ServiceContext, ticketId: string, input: RateTicketInput) {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw invalidField("body.rating", "must be a whole number from 1 to 5");
  if (input.comment && input.comment.length > CSAT_COMMENT_MAX_CHARS) throw invalidField("body.comment", `must be at most ${CSAT_COMMENT_MAX_CHARS} characters`);
  const me = actorId(ctx.actor);
  try {
    return await runAs(ctx.db, ctx.actor, async (tx) => {
      const ticket = await loadVisibleTicket(tx, ctx.actor, ticketId, { forUpdate: true });
      if (ticket.customerId !== me) throw new AppError("FORBIDDEN", "only the ticket's customer may rate it");
      if (ticket.status !== "resolved" && ticket.status !== "closed") {
        throw new AppError("INVALID_TRANSITION", `a ticket can be rated once it is resolved or closed; this one is ${ticket.status}`);
      }
      const [row] = await tx
        .insert(ticketFeedback)
        .values({ ticketId, customerId: ticket.customerId, rating: input.rating, comment: input.comment || null })
        .returning();
      await recordEvent(tx, ctx.actor, { ticketId, kind: "ticket.rated", to: { rating: input.rating } });
      return toRatingDto(row!);
    });
  } catch (err) {
    // The unique index is what makes "once" hold under concurrent submits.
    if (pgErrorCode(err) === "23505" && pgConstraint(err) === "ticket_feedback_ticket_key") {
      throw new AppError("ALREADY_RATED", "this ticket has already been rated");
    }
    throw err;
  }
}

/** The ticket's rating, for its customer and for staff who can see the ticket; 404 when not rated. */
export async function getRating(ctx: ServiceContext, ticketId: string) {
  return runAs(ctx.db, ctx.actor, async (tx) => {
    await loadVisibleTicket(tx, ctx.actor, ticketId);
    const [row] = await tx.select().from(ticketFeedback).where(eq(ticketFeedback.ticketId, ticketId));
    if (!row) throw new AppError("NOT_FOUND", "this ticket has not been rated");
    return toRatingDto(row);
  });
}
