import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { attachments, ticketMessages, tickets } from "../../../db/schema/index.js";
import { isStaff, type Actor } from "../../auth/actor.js";
import { AppError, invalidField, isAppError } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { loadVisibleTicket } from "../tickets/access.js";
import { cleanupOnFailure, storeAttachments, toAttachmentDto, validateFiles, type AttachmentRow } from "./store.js";

/**
 * Who may see an attachment: whoever can see its ticket, except that a file on an internal note
 * is as internal as the note (staff only). Files uploaded to the ticket directly (no message)
 * are part of the conversation with the customer. RLS applies the same rule underneath.
 */
const visibleToCustomer = or(isNull(attachments.messageId), eq(ticketMessages.isInternal, false));

async function ticketOrNotFound(tx: Executor, actor: Actor, ticketId: string, code: "TICKET_NOT_FOUND" | "ATTACHMENT_NOT_FOUND") {
  try {
    return await loadVisibleTicket(tx, actor, ticketId);
  } catch (err) {
    if (isAppError(err) && err.code === "TICKET_NOT_FOUND") throw new AppError(code);
    throw err;
  }
}

export async function listAttachments(ctx: ServiceContext, ticketId: string) {
  return runAs(ctx.db, ctx.actor, async (tx) => {
    await ticketOrNotFound(tx, ctx.actor, ticketId, "TICKET_NOT_FOUND");
    const rows = await tx
      .select({ attachment: attachments })
      .from(attachments)
      .leftJoin(ticketMessages, eq(ticketMessages.id, attachments.messageId))
      .where(and(eq(attachments.ticketId, ticketId), isStaff(ctx.actor) ? undefined : visibleToCustomer))
      .orderBy(asc(attachments.createdAt), asc(attachments.id));
    return { data: rows.map((r) => toAttachmentDto(r.attachment)) };
  });
}

/** The row and its bytes, or 404 ATTACHMENT_NOT_FOUND — the same whether absent or not visible. */
export async function readAttachment(ctx: ServiceContext, attachmentId: string): Promise<{ row: AttachmentRow; bytes: Uint8Array }> {
  const row = await runAs(ctx.db, ctx.actor, async (tx) => {
    const [found] = await tx
      .select({ attachment: attachments })
      .from(attachments)
      .leftJoin(ticketMessages, eq(ticketMessages.id, attachments.messageId))
      .where(and(eq(attachments.id, attachmentId), isStaff(ctx.actor) ? undefined : visibleToCustomer));
    if (!found) throw new AppError("ATTACHMENT_NOT_FOUND");
    await ticketOrNotFound(tx, ctx.actor, found.attachment.ticketId, "ATTACHMENT_NOT_FOUND");
    return found.attachment;
  });
  // Read after the transaction: no need to hold it open over disk I/O.
  try {
    return { row, bytes: await ctx.storage.get(row.storageKey) };
  } catch (err) {
    // The row outlived its bytes (disk restored from an older backup, say): log it loudly,
    // answer like any other missing attachment.
    ctx.logger.error({ err, attachmentId: row.id, storageKey: row.storageKey }, "attachment bytes missing from storage");
    throw new AppError("ATTACHMENT_NOT_FOUND", "the file's content is no longer in storage");
  }
}

/** Files added to a ticket without a message, by its customer or by staff who can see it. */
export async function uploadAttachments(ctx: ServiceContext, ticketId: string, files: File[]) {
  if (ctx.actor.kind === "anonymous") throw new AppError("UNAUTHENTICATED");
  if (files.length === 0) throw invalidField("body.files", "send at least one file");
  validateFiles(files, ctx.config.ATTACHMENT_MAX_BYTES);
  const actor = ctx.actor;
  const rows = await cleanupOnFailure(ctx.storage, (written) =>
    runAs(ctx.db, actor, async (tx) => {
      const ticket = await loadVisibleTicket(tx, actor, ticketId, { forUpdate: true });
      // Closed is final (status.ts): new material goes on a new ticket, as replies do.
      if (ticket.status === "closed") throw new AppError("CONFLICT", "the ticket is closed and takes no more attachments");
      const stored = await storeAttachments(tx, ctx.storage, actor, { ticketId, messageId: null }, files, written);
      await tx.update(tickets).set({ updatedAt: sql`clock_timestamp()` }).where(eq(tickets.id, ticketId));
      return stored;
    }),
  );
  return { data: rows.map(toAttachmentDto) };
}
