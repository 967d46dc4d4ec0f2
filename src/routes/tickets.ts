import { createHash } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App } from "../app.js";
import { requireStaff, requireUser } from "../auth/middleware.js";
import { AppError, invalidField } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema } from "../http/pagination.js";
import { validationError } from "../http/problem.js";
import { hashRequest } from "../services/idempotency.js";
import { bulkUpdateTickets } from "../services/tickets/bulk.js";
import { createTicket, type CreateTicketInput } from "../services/tickets/create.js";
import { listTickets } from "../services/tickets/list.js";
import { getTicket, updateTicket } from "../services/tickets/update.js";
import {
  bulkUpdateBody,
  createTicketBody,
  createTicketMultipart,
  idempotencyHeaders,
  listTicketsQuery,
  ticketSchema,
  updateTicketBody,
} from "./schemas/tickets.js";

const tags = ["tickets"];

const routes = {
  create: createRoute({
    method: "post",
    path: "/tickets",
    tags,
    summary: "Open a ticket (customers for themselves, staff on behalf of a customer)",
    description:
      "Send `application/json`, or `multipart/form-data` with a `data` part holding the same JSON and one `files` part per attachment. " +
      "Writes the ticket, its first message, a ticket.created event and the triage job in one transaction. Honours `Idempotency-Key`.",
    security: bearer,
    request: {
      headers: idempotencyHeaders,
      // Not `required`: with two content types each validator runs only for its own type.
      body: {
        required: false,
        content: {
          "application/json": { schema: createTicketBody },
          "multipart/form-data": { schema: createTicketMultipart },
        },
      },
    },
    responses: { 201: json(ticketSchema, "Created (or the replayed first response)"), ...problems(400, 401, 403, 409, 413, 415) },
  }),
  list: createRoute({
    method: "get",
    path: "/tickets",
    tags,
    summary: "List tickets visible to the caller, filtered and keyset-paged",
    security: bearer,
    request: { query: listTicketsQuery },
    responses: { 200: json(pageSchema(ticketSchema), "A page of tickets"), ...problems(400, 401) },
  }),
  get: createRoute({
    method: "get",
    path: "/tickets/{id}",
    tags,
    summary: "Get a ticket",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(ticketSchema, "The ticket"), ...problems(400, 401, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/tickets/{id}",
    tags,
    summary: "Change a ticket's status, priority, tags, custom fields or subject",
    description: "Customers may only mark their own ticket resolved or closed.",
    security: bearer,
    request: { params: idParam, body: jsonBody(updateTicketBody) },
    responses: { 200: json(ticketSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  bulk: createRoute({
    method: "post",
    path: "/tickets/bulk",
    tags,
    summary: "Apply one change to up to 100 tickets, all or nothing (staff)",
    security: bearer,
    request: { body: jsonBody(bulkUpdateBody) },
    responses: { 200: json(z.object({ data: z.array(ticketSchema) }), "Updated tickets"), ...problems(400, 401, 403, 404, 409) },
  }),
};

/** The create body and files of either content type, validated with the same schema. */
async function readCreateRequest(c: Context<AppEnv>, jsonInput: unknown): Promise<{ input: CreateTicketInput; files: File[] }> {
  const contentType = c.req.header("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    // The JSON validator only runs for a JSON content type; anything else has no body we read.
    if (!/^application\/([\w.-]+\+)?json/i.test(contentType)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "send application/json or multipart/form-data");
    }
    return { input: jsonInput as CreateTicketInput, files: [] };
  }
  const form = await c.req.parseBody({ all: true });
  let data: unknown;
  try {
    data = JSON.parse(String(form.data));
  } catch {
    throw invalidField("body.data", "must be a JSON object");
  }
  const parsed = createTicketBody.safeParse(data);
  if (!parsed.success) throw validationError("body.data", parsed.error);
  const parts = form.files === undefined ? [] : Array.isArray(form.files) ? form.files : [form.files];
  const files = parts.map((part, i) => {
    if (!(part instanceof File)) throw invalidField(`body.files.${i}`, "must be a file");
    return part;
  });
  return { input: parsed.data, files };
}

async function fileDigests(files: File[]) {
  return Promise.all(
    files.map(async (f) => ({
      name: f.name,
      type: f.type,
      sha256: createHash("sha256").update(new Uint8Array(await f.arrayBuffer())).digest("hex"),
    })),
  );
}

export function registerTicketRoutes(app: App): void {
  app.openapi(routes.create, async (c) => {
    const user = requireUser(c);
    const { input, files } = await readCreateRequest(c, c.req.valid("json"));
    const key = c.req.valid("header")["idempotency-key"];
    const idempotency =
      key === undefined
        ? undefined
        : { key, scope: `${user.id}:POST /tickets`, requestHash: hashRequest({ input, files: await fileDigests(files) }) };
    return c.json(await createTicket(c.get("ctx"), input, files, { idempotency }), 201);
  });

  app.openapi(routes.list, async (c) => {
    requireUser(c);
    return c.json(await listTickets(c.get("ctx"), c.req.valid("query")), 200);
  });

  app.openapi(routes.get, async (c) => {
    requireUser(c);
    return c.json(await getTicket(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.update, async (c) => {
    requireUser(c);
    return c.json(await updateTicket(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });

  app.openapi(routes.bulk, async (c) => {
    requireStaff(c);
    return c.json({ data: await bulkUpdateTickets(c.get("ctx"), c.req.valid("json")) }, 200);
  });
}
