import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { attachments, ticketMessages, users } from "../../../db/schema/index.js";
import { sortKeyOf } from "../../http/pagination.js";
import { toAttachmentDto, type AttachmentRow } from "../attachments/store.js";

/** The columns every message read selects: the row, its author's name and its sort key. */
export const messageFields = {
  id: ticketMessages.id,
  ticketId: ticketMessages.ticketId,
  authorId: ticketMessages.authorId,
  authorType: ticketMessages.authorType,
  body: ticketMessages.body,
  isInternal: ticketMessages.isInternal,
  createdAt: ticketMessages.createdAt,
  // The users policy lets customers see staff names (and their own); anyone else comes back null.
  authorName: users.fullName,
  sortKey: sortKeyOf(ticketMessages.createdAt),
};

/** Messages joined to their authors; callers add the where/order/limit. */
export const selectMessages = (tx: Executor) =>
  tx.select(messageFields).from(ticketMessages).leftJoin(users, eq(users.id, ticketMessages.authorId));

export type MessageRecord = {
  id: string;
  ticketId: string;
  authorId: string | null;
  authorType: (typeof ticketMessages.$inferSelect)["authorType"];
  body: string;
  isInternal: boolean;
  createdAt: Date;
  authorName: string | null;
};

export function toMessageDto(m: MessageRecord, files: AttachmentRow[]) {
  return {
    id: m.id,
    ticketId: m.ticketId,
    authorId: m.authorId,
    authorType: m.authorType,
    authorName: m.authorName,
    body: m.body,
    isInternal: m.isInternal,
    attachments: files.map(toAttachmentDto),
    createdAt: m.createdAt.toISOString(),
  };
}
export type MessageDto = ReturnType<typeof toMessageDto>;

/** DTOs for already-visible messages, with their attachments loaded in one query. */
export async function toMessageDtos(tx: Executor, rows: MessageRecord[]): Promise<MessageDto[]> {
  const ids = rows.map((r) => r.id);
  const ticketIds = [...new Set(rows.map((r) => r.ticketId))];
  // Filtering by ticket too lets attachments_ticket_idx serve this (there is no message_id index).
  const files = ids.length
    ? await tx
        .select()
        .from(attachments)
        .where(and(inArray(attachments.ticketId, ticketIds), inArray(attachments.messageId, ids)))
        .orderBy(attachments.createdAt, attachments.id)
    : [];
  const byMessage = new Map<string, AttachmentRow[]>();
  for (const f of files) byMessage.set(f.messageId!, [...(byMessage.get(f.messageId!) ?? []), f]);
  return rows.map((r) => toMessageDto(r, byMessage.get(r.id) ?? []));
}
