import { and, asc, eq, sql } from "drizzle-orm";
import type { Transaction } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { ticketMessages, tickets, type AuthorType, type TicketStatus } from "../../../db/schema/index.js";
import { actorId, isCustomer, isStaff } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import { encodeCursor } from "../../http/pagination.js";
import { enqueueJob } from "../../jobs/outbox.js";
import { cleanupOnFailure, storeAttachments, validateFiles } from "../attachments/store.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket } from "../tickets/access.js";
import { fieldChanges, recordEvent, recordEvents } from "../tickets/events.js";
import { statusPatch } from "../tickets/status.js";
import { decodeKeyset } from "../../http/pagination.js";
import { selectMessages, toMessageDto, toMessageDtos, type MessageDto } from "./message-dto.js";

export interface PostMessageInput {
  body: string;
  isInternal?: boolean;
  /** A public staff reply may park the ticket on the customer (pending) or resolve it. */
  status?: "pending" | "resolved";
}

export const MESSAGE_MAX_CHARS = 20_000;

/**
 * Adds a reply or an internal note to a ticket, with its files, and applies what a reply
 * implies — all in one transaction:
 *  - a customer reply reopens a pending or resolved ticket and asks the AI for a draft;
 *  - the first public staff reply stamps first_responded_at and moves a new ticket to open;
 *  - a public staff reply may set the status to pending or resolved;
 *  - a closed ticket takes no replies (the customer opens a new ticket).
 */
export async function postMessage(ctx: ServiceContext, ticketId: string, input: PostMessageInput, files: File[] = []): Promise<MessageDto> {
  const { actor } = ctx;
  if (actor.kind === "anonymous") throw new AppError("UNAUTHENTICATED");
  const customer = isCustomer(actor);
  const isInternal = input.isInternal ?? false;
  if (customer && isInternal) throw new AppError("FORBIDDEN", "customers cannot write internal notes");
  if (customer && input.status) throw new AppError("FORBIDDEN", "customers cannot set the status (replying reopens the ticket)");
  if (isInternal && input.status) throw invalidField("body.status", "only a public reply can change the status");
  if (input.body.length < 1 || input.body.length > MESSAGE_MAX_CHARS) throw invalidField("body.body", `must be 1–${MESSAGE_MAX_CHARS} characters`);
  validateFiles(files, ctx.config.ATTACHMENT_MAX_BYTES);
  const message = await cleanupOnFailure(ctx.storage, (written) =>
    runAs(ctx.db, actor, (tx) => writeMessage(tx, ctx, ticketId, input, files, written)),
  );
  if (customer) ctx.notifyJobs();
  return message;
}

/**
 * The transactional part of postMessage, for callers that must write a message together with
 * their own change (approving an AI draft sends it as the agent's reply in one transaction).
 * Checks are the caller's (postMessage validates input and role first).
 */
export async function writeMessage(
  tx: Transaction,
  ctx: ServiceContext,
  ticketId: string,
  input: PostMessageInput,
  files: File[],
  written: string[],
  options: { draftId?: string } = {},
): Promise<MessageDto> {
  const { actor } = ctx;
  const customer = isCustomer(actor);
  const isInternal = input.isInternal ?? false;
  const authorType: AuthorType = actor.kind === "system" ? "system" : customer ? "customer" : "agent";
  const staffReply = authorType === "agent" && !isInternal;
  const ticket = await loadVisibleTicket(tx, actor, ticketId, { forUpdate: true });
  if (ticket.status === "closed") {
    throw new AppError("INVALID_TRANSITION", "the ticket is closed and takes no more replies; open a new ticket instead");
  }
  const [row] = await tx
    .insert(ticketMessages)
    .values({ ticketId, authorId: actorId(actor), authorType, body: input.body, isInternal, draftId: options.draftId ?? null })
    .returning();
  // The event points at the message; the text itself lives only in ticket_messages.
  await recordEvent(tx, actor, { ticketId, kind: "ticket.message_added", to: { messageId: row!.id }, isInternal, metadata: { authorType } });
  const stored = files.length
    ? await storeAttachments(tx, ctx.storage, actor, { ticketId, messageId: row!.id, isInternal }, files, written)
    : [];

  let nextStatus: TicketStatus | undefined;
  if (customer && (ticket.status === "pending" || ticket.status === "resolved")) nextStatus = "open";
  if (staffReply) nextStatus = input.status ?? (ticket.status === "new" ? "open" : undefined);
  const now = sql`clock_timestamp()`;
  await tx
    .update(tickets)
    .set({
      updatedAt: now,
      ...(nextStatus ? statusPatch(ticket.status, nextStatus) : {}),
      ...(staffReply && !ticket.firstRespondedAt ? { firstRespondedAt: now } : {}),
    })
    .where(eq(tickets.id, ticketId));
  if (nextStatus) await recordEvents(tx, actor, fieldChanges(ticketId, ticket, { status: nextStatus }, ["status"]));
  if (customer) await enqueueJob(tx, "ticket.draft", { ticketId, messageId: row!.id });

  return toMessageDto({ ...row!, authorName: actor.kind === "user" ? actor.fullName : null }, stored);
}

export interface ListMessagesInput {
  limit: number;
  cursor?: string;
}

/** The conversation, oldest first, keyset-paged by (created_at, id). Customers never get internal notes. */
export async function listMessages(ctx: ServiceContext, ticketId: string, input: ListMessagesInput) {
  const after = decodeKeyset(input.cursor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    await loadVisibleTicket(tx, ctx.actor, ticketId);
    const rows = await selectMessages(tx)
      .where(
        and(
          eq(ticketMessages.ticketId, ticketId),
          // RLS hides internal notes from customers too; this keeps the intent visible here.
          isStaff(ctx.actor) ? undefined : eq(ticketMessages.isInternal, false),
          after ? sql`(${ticketMessages.createdAt}, ${ticketMessages.id}) > (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      data: await toMessageDtos(tx, page),
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.sortKey, last.id]) : null,
    };
  });
}
