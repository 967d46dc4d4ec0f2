import { z } from "@hono/zod-openapi";
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../../../db/schema/enums.js";
import { paginationQuery } from "../../http/pagination.js";
import { TICKET_LIMITS } from "../../services/tickets/create.js";
import { LIST_SORTS } from "../../services/tickets/list.js";
import { SLA_FILTERS } from "../../services/tickets/sla.js";

const isoOrNull = z.string().nullable();

export const ticketSchema = z
  .object({
    id: z.uuid(),
    number: z.number().int().openapi({ example: 1001 }),
    subject: z.string(),
    description: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.enum(TICKET_PRIORITIES),
    channel: z.enum(TICKET_CHANNELS),
    teamId: z.uuid().nullable(),
    assigneeId: z.uuid().nullable(),
    customerId: z.uuid(),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), z.unknown()),
    language: z.string().nullable(),
    needsHuman: z.boolean(),
    firstResponseDueAt: isoOrNull,
    resolutionDueAt: isoOrNull,
    firstRespondedAt: isoOrNull,
    sla: z.object({
      state: z.enum(["ok", "at_risk", "breached", "met", "none"]),
      firstResponseDueAt: isoOrNull,
      resolutionDueAt: isoOrNull,
      firstRespondedAt: isoOrNull,
    }),
    resolvedAt: isoOrNull,
    closedAt: isoOrNull,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Ticket");

export const subject = z.string().trim().min(1, { error: "must not be empty" }).max(TICKET_LIMITS.subject);
export const description = z.string().trim().min(1, { error: "must not be empty" }).max(TICKET_LIMITS.description);
const tag = z.string().trim().min(1, { error: "must not be empty" }).max(TICKET_LIMITS.tagLength);
export const tags = z
  .array(tag)
  .max(TICKET_LIMITS.tags, { error: `at most ${TICKET_LIMITS.tags} tags` })
  .openapi({ description: "Lower-cased and de-duplicated" });
export const customFields = z
  .record(z.string().min(1).max(100), z.unknown())
  .refine((v) => Object.keys(v).length <= TICKET_LIMITS.customFieldKeys, { error: `at most ${TICKET_LIMITS.customFieldKeys} keys` })
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= TICKET_LIMITS.customFieldBytes, {
    error: `at most ${TICKET_LIMITS.customFieldBytes} bytes as JSON`,
  })
  .openapi({ description: "Free-form JSON object" });

export const createTicketBody = z
  .object({
    subject,
    description,
    priority: z.enum(TICKET_PRIORITIES).optional().openapi({ description: "Defaults to medium; triage may change it" }),
    channel: z.enum(TICKET_CHANNELS).optional().openapi({ description: "Defaults to web" }),
    tags: tags.optional(),
    customFields: customFields.optional(),
    customerId: z.uuid().optional().openapi({ description: "Required when an agent or admin files on behalf of a customer" }),
  })
  .strict()
  .openapi("CreateTicket");

export const createTicketMultipart = z.object({
  data: z.string().openapi({ description: "The same JSON object as the application/json body, as text" }),
  files: z
    .any()
    .optional()
    .openapi({ type: "array", items: { type: "string", format: "binary" }, description: "Attachments, one part per file" }),
});

export const idempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({ description: "1–200 characters; the same key and body replay the first response, a different body is a 409" }),
});

export const updateTicketBody = z
  .object({
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    tags: tags.optional(),
    customFields: customFields.optional(),
    subject: subject.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" })
  .openapi("UpdateTicket");

const uniqueIds = (ids: string[]) => new Set(ids).size === ids.length;

export const bulkUpdateBody = z
  .object({
    ticketIds: z.array(z.uuid()).min(1).max(100).refine(uniqueIds, { error: "must not repeat an id" }),
    patch: z
      .object({
        status: z.enum(TICKET_STATUSES).optional(),
        assigneeId: z.uuid().nullable().optional(),
        teamId: z.uuid().nullable().optional(),
        addTags: tags.optional(),
        removeTags: tags.optional(),
      })
      .strict()
      .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" }),
  })
  .openapi("BulkUpdateTickets");

/** `a,b,c` → ["a","b","c"], each one of `values`. */
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1))
    .openapi({ description: `One or several of ${values.join(", ")}, comma-separated` });

const isoDateTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

export const listTicketsQuery = z.object({
  status: csvOf(TICKET_STATUSES).optional(),
  priority: csvOf(TICKET_PRIORITIES).optional(),
  teamId: z.uuid().optional(),
  assigneeId: z
    .union([z.uuid(), z.enum(["none", "me"])], { error: "must be a uuid, none or me" })
    .optional()
    .openapi({ description: "A uuid, `none` (unassigned) or `me`" }),
  customerId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(TICKET_LIMITS.tagLength).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Text in subject or description" }),
  createdFrom: isoDateTime.optional().openapi({ description: "Created at or after (inclusive)" }),
  createdTo: isoDateTime.optional().openapi({ description: "Created before (exclusive)" }),
  sla: z.enum(SLA_FILTERS).optional(),
  needsHuman: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  sort: z.enum(LIST_SORTS).default("created"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...paginationQuery,
});
