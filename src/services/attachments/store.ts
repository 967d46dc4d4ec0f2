import type { Executor } from "../../../db/client.js";
import { attachments } from "../../../db/schema/index.js";
import { actorId, type Actor } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import type { AttachmentStorage } from "./storage.js";
import { recordEvent } from "../tickets/events.js";

/**
 * Types we accept. No HTML or SVG: served back from our origin they could run script.
 * Downloads also go out as `attachment` with nosniff.
 */
export const ALLOWED_CONTENT_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/json",
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "message/rfc822",
]);

export const MAX_FILES_PER_REQUEST = 10;

export type AttachmentRow = typeof attachments.$inferSelect;

export function toAttachmentDto(a: AttachmentRow) {
  return {
    id: a.id,
    ticketId: a.ticketId,
    messageId: a.messageId,
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    createdAt: a.createdAt.toISOString(),
  };
}

/** Checks every file before anything is written, so a bad third file leaves no first two. */
export function validateFiles(files: File[], maxBytes: number, field = "body.files"): void {
  if (files.length > MAX_FILES_PER_REQUEST) throw invalidField(field, `at most ${MAX_FILES_PER_REQUEST} files per request`);
  files.forEach((file, i) => {
    const type = (file.type || "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    if (!ALLOWED_CONTENT_TYPES.has(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `${field}.${i}: content type ${type} is not accepted`, [
        { field: `${field}.${i}`, message: `content type ${type} is not accepted` },
      ]);
    }
    if (file.size > maxBytes) {
      throw new AppError("PAYLOAD_TOO_LARGE", `${field}.${i}: ${file.name} is larger than ${maxBytes} bytes`, [
        { field: `${field}.${i}`, message: `larger than ${maxBytes} bytes` },
      ]);
    }
    if (!file.name || file.name.length > 255) throw invalidField(`${field}.${i}`, "needs a file name of at most 255 characters");
  });
}

/**
 * Writes the bytes, then the rows, inside the caller's transaction. If the transaction later
 * rolls back, the caller deletes the returned keys (see `cleanupOnFailure`).
 */
export async function storeAttachments(
  tx: Executor,
  storage: AttachmentStorage,
  actor: Actor,
  target: { ticketId: string; messageId: string | null; isInternal?: boolean },
  files: File[],
  written: string[],
): Promise<AttachmentRow[]> {
  const rows: AttachmentRow[] = [];
  for (const file of files) {
    const stored = await storage.put(new Uint8Array(await file.arrayBuffer()));
    written.push(stored.key);
    const [row] = await tx
      .insert(attachments)
      .values({
        ticketId: target.ticketId,
        messageId: target.messageId,
        uploaderId: actorId(actor),
        fileName: file.name.replace(/[\r\n"\\/]/g, "_"),
        contentType: (file.type || "application/octet-stream").split(";")[0]!.trim().toLowerCase(),
        sizeBytes: stored.size,
        sha256: stored.sha256,
        storageKey: stored.key,
      })
      .returning();
    rows.push(row!);
    await recordEvent(tx, actor, {
      ticketId: target.ticketId,
      kind: "ticket.attachment_added",
      to: { attachmentId: row!.id, fileName: row!.fileName },
      isInternal: target.isInternal ?? false,
    });
  }
  return rows;
}

/** Runs `fn` with a list that collects written storage keys; deletes them if `fn` throws. */
export async function cleanupOnFailure<T>(storage: AttachmentStorage, fn: (written: string[]) => Promise<T>): Promise<T> {
  const written: string[] = [];
  try {
    return await fn(written);
  } catch (err) {
    await Promise.all(written.map((key) => storage.delete(key).catch(() => {})));
    throw err;
  }
}
