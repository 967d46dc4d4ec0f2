import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AUTHOR_TYPES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireUser } from "../auth/middleware.js";
import { AppError } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import { validationError } from "../http/problem.js";
import { listAttachments, readAttachment, uploadAttachments } from "../services/attachments/access.js";
import { MESSAGE_MAX_CHARS, listMessages, postMessage, type PostMessageInput } from "../services/conversations/messages.js";
import { TIMELINE_MAX_ITEMS, getTimeline } from "../services/conversations/timeline.js";
import { CSAT_COMMENT_MAX_CHARS, getRating, rateTicket } from "../services/tickets/csat.js";

const tags = ["conversations"];

const attachmentSchema = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    messageId: z.uuid().nullable(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
  })
  .openapi("Attachment");

const messageSchema = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    authorId: z.uuid().nullable(),
    authorType: z.enum(AUTHOR_TYPES),
    authorName: z.string().nullable(),
    body: z.string(),
    isInternal: z.boolean(),
    attachments: z.array(attachmentSchema),
    createdAt: z.string(),
  })
  .openapi("Message");

const eventSchema = z
  .object({
    id: z.number().int(),
    kind: z.string().openapi({ example: "ticket.status_changed" }),
    field: z.string().nullable(),
    from: z.unknown(),
    to: z.unknown(),
    actorId: z.uuid().nullable(),
    actorType: z.enum(["user", "ai", "system"]),
    actorName: z.string().nullable(),
    isInternal: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("TicketEvent");

const timelineSchema = z
  .object({
    data: z.array(
      z.discriminatedUnion("type", [
        z.object({ type: z.literal("message"), at: z.string(), message: messageSchema }),
        z.object({ type: z.literal("event"), at: z.string(), event: eventSchema }),
      ]),
    ),
    truncated: z.boolean().openapi({ description: `true when older items exist beyond the newest ${TIMELINE_MAX_ITEMS}` }),
  })
  .openapi("Timeline");

const ratingSchema = z
  .object({ id: z.uuid(), ticketId: z.uuid(), customerId: z.uuid(), rating: z.number().int(), comment: z.string().nullable(), createdAt: z.string() })
  .openapi("Rating");

const messageInput = z
  .object({
    body: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(MESSAGE_MAX_CHARS, { error: `must be at most ${MESSAGE_MAX_CHARS} characters` })
      .refine((s) => s.trim().length > 0, { error: "must not be blank" }),
    isInternal: z.boolean().optional().openapi({ description: "Internal note, visible to agents and admins only" }),
    status: z.enum(["pending", "resolved"]).optional().openapi({ description: "Public staff replies only: wait on the customer, or resolve" }),
  })
  .strict()
  .openapi("MessageInput");

const file = z.custom<File>((v) => v instanceof File, { error: "must be a file" }).openapi({ type: "string", format: "binary" });
const files = z.union([file, z.array(file)]).optional();

const messageForm = z.object({
  data: z.string().openapi({ description: "MessageInput as a JSON string" }),
  files,
});

const routes = {
  postMessage: createRoute({
    method: "post",
    path: "/tickets/{id}/messages",
    tags,
    summary: "Reply to a ticket or add an internal note, optionally with files",
    description:
      "JSON, or multipart/form-data with `data` (the same JSON as a string) and `files`. A customer's reply reopens a pending or resolved ticket; the first public staff reply records the first response.",
    security: bearer,
    request: {
      params: idParam,
      body: {
        required: false,
        content: { "application/json": { schema: messageInput }, "multipart/form-data": { schema: messageForm } },
      },
    },
    responses: { 201: json(messageSchema, "Posted"), ...problems(400, 401, 403, 404, 409, 413, 415) },
  }),
  listMessages: createRoute({
    method: "get",
    path: "/tickets/{id}/messages",
    tags,
    summary: "The conversation, oldest first (customers never see internal notes)",
    security: bearer,
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: { 200: json(pageSchema(messageSchema), "A page of messages"), ...problems(400, 401, 404) },
  }),
  timeline: createRoute({
    method: "get",
    path: "/tickets/{id}/timeline",
    tags,
    summary: "Messages and audit events merged in time order",
    description: `The newest ${TIMELINE_MAX_ITEMS} items, oldest first; ties go message before event. Page the full conversation with /messages.`,
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(timelineSchema, "The timeline"), ...problems(400, 401, 404) },
  }),
  listAttachments: createRoute({
    method: "get",
    path: "/tickets/{id}/attachments",
    tags,
    summary: "Files on a ticket (customers do not see files on internal notes)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(z.object({ data: z.array(attachmentSchema) }), "Attachments"), ...problems(400, 401, 404) },
  }),
  upload: createRoute({
    method: "post",
    path: "/tickets/{id}/attachments",
    tags,
    summary: "Attach files to a ticket without a message",
    security: bearer,
    request: {
      params: idParam,
      body: { required: true, content: { "multipart/form-data": { schema: z.object({ files }) } } },
    },
    responses: { 201: json(z.object({ data: z.array(attachmentSchema) }), "Stored"), ...problems(400, 401, 404, 409, 413, 415) },
  }),
  download: createRoute({
    method: "get",
    path: "/attachments/{id}",
    tags,
    summary: "Download a file (always as an attachment, never rendered inline)",
    security: bearer,
    request: { params: idParam },
    responses: {
      200: { description: "The stored bytes with their stored content type", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
      ...problems(400, 401, 404),
    },
  }),
  rate: createRoute({
    method: "post",
    path: "/tickets/{id}/csat",
    tags,
    summary: "Rate a resolved or closed ticket, once (its customer only)",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({
            rating: z.number().int({ error: "must be a whole number" }).min(1, { error: "must be 1 to 5" }).max(5, { error: "must be 1 to 5" }),
            comment: z.string().max(CSAT_COMMENT_MAX_CHARS, { error: `must be at most ${CSAT_COMMENT_MAX_CHARS} characters` }).optional(),
          })
          .strict(),
      ),
    },
    responses: { 201: json(ratingSchema, "Rated"), ...problems(400, 401, 403, 404, 409) },
  }),
  getRating: createRoute({
    method: "get",
    path: "/tickets/{id}/csat",
    tags,
    summary: "A ticket's rating",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(ratingSchema, "The rating"), ...problems(400, 401, 404) },
  }),
};

const isMultipart = (c: Context<AppEnv>) => (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
const asList = (f: File | File[] | undefined): File[] => (f === undefined ? [] : Array.isArray(f) ? f : [f]);

/** The multipart form's `data` field holds the same JSON the plain JSON body would. */
function messageFromForm(data: string): PostMessageInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new AppError("VALIDATION_FAILED", "body.data: must be a JSON object", [{ field: "body.data", message: "must be a JSON object" }]);
  }
  const result = messageInput.safeParse(parsed);
  if (!result.success) throw validationError("body.data", result.error);
  return result.data;
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function registerConversationRoutes(app: App): void {
  app.openapi(routes.postMessage, async (c) => {
    requireUser(c);
    const { id } = c.req.valid("param");
    // Both media types are declared, so the validated types are a union; the header says which ran.
    if (isMultipart(c)) {
      const form = c.req.valid("form") as z.infer<typeof messageForm>;
      return c.json(await postMessage(c.get("ctx"), id, messageFromForm(form.data), asList(form.files)), 201);
    }
    // The body is optional in the route only so both media types can be declared; one is required.
    if (!c.req.header("content-type")) throw new AppError("VALIDATION_FAILED", "body: required", [{ field: "body", message: "required" }]);
    return c.json(await postMessage(c.get("ctx"), id, c.req.valid("json") as z.infer<typeof messageInput>), 201);
  });

  app.openapi(routes.listMessages, async (c) => {
    requireUser(c);
    return c.json(await listMessages(c.get("ctx"), c.req.valid("param").id, c.req.valid("query")), 200);
  });

  app.openapi(routes.timeline, async (c) => {
    requireUser(c);
    return c.json(await getTimeline(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.listAttachments, async (c) => {
    requireUser(c);
    return c.json(await listAttachments(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.upload, async (c) => {
    requireUser(c);
    return c.json(await uploadAttachments(c.get("ctx"), c.req.valid("param").id, asList(c.req.valid("form").files)), 201);
  });

  app.openapi(routes.download, async (c) => {
    requireUser(c);
    const { row, bytes } = await readAttachment(c.get("ctx"), c.req.valid("param").id);
    return c.body(new Uint8Array(bytes), 200, {
      "Content-Type": row.contentType,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": contentDisposition(row.fileName),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    });
  });

  app.openapi(routes.rate, async (c) => {
    requireUser(c);
    return c.json(await rateTicket(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 201);
  });

  app.openapi(routes.getRating, async (c) => {
    requireUser(c);
    return c.json(await getRating(c.get("ctx"), c.req.valid("param").id), 200);
  });
}
