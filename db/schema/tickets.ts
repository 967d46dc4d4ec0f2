import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { aiDrafts } from "./ai.js";
import { createdAt, id, ts, updatedAt } from "./columns.js";
import {
  AUTHOR_TYPES,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  inList,
  type AuthorType,
  type TicketChannel,
  type TicketPriority,
  type TicketStatus,
} from "./enums.js";
import { teams } from "./teams.js";
import { users } from "./users.js";

export const tickets = pgTable(
  "tickets",
  {
    id: id(),
    /** Human number shown to people (#1001); the uuid stays the API id. */
    number: integer("number").notNull().generatedAlwaysAsIdentity({ startWith: 1001 }),
    customerId: uuid("customer_id").notNull().references(() => users.id, { onDelete: "restrict" }),
    subject: text("subject").notNull(),
    description: text("description").notNull(),
    status: text("status").$type<TicketStatus>().notNull().default("new"),
    priority: text("priority").$type<TicketPriority>().notNull().default("medium"),
    channel: text("channel").$type<TicketChannel>().notNull().default("web"),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    language: text("language"),
    /** Set by triage when it was not confident enough to decide alone. */
    needsHuman: boolean("needs_human").notNull().default(false),
    firstResponseDueAt: ts("first_response_due_at"),
    resolutionDueAt: ts("resolution_due_at"),
    firstRespondedAt: ts("first_responded_at"),
    resolvedAt: ts("resolved_at"),
    closedAt: ts("closed_at"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("tickets_number_key").on(t.number),
    // Keyset pagination walks (sort key, id); these cover the default sorts.
    index("tickets_created_idx").on(t.createdAt, t.id),
    index("tickets_updated_idx").on(t.updatedAt, t.id),
    index("tickets_customer_idx").on(t.customerId, t.createdAt),
    index("tickets_assignee_status_idx").on(t.assigneeId, t.status),
    index("tickets_team_status_idx").on(t.teamId, t.status),
    index("tickets_status_idx").on(t.status, t.createdAt),
    index("tickets_tags_idx").using("gin", t.tags),
    check("tickets_status_check", sql.raw(`status IN (${inList(TICKET_STATUSES)})`)),
    check("tickets_priority_check", sql.raw(`priority IN (${inList(TICKET_PRIORITIES)})`)),
    check("tickets_channel_check", sql.raw(`channel IN (${inList(TICKET_CHANNELS)})`)),
  ],
);

export const ticketMessages = pgTable(
  "ticket_messages",
  {
    id: id(),
    ticketId: uuid("ticket_id").notNull().references(() => tickets.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    authorType: text("author_type").$type<AuthorType>().notNull(),
    body: text("body").notNull(),
    /** Internal notes are for agents only: never returned to a customer, never put in a prompt. */
    isInternal: boolean("is_internal").notNull().default(false),
    draftId: uuid("draft_id").references((): AnyPgColumn => aiDrafts.id, { onDelete: "set null" }),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("ticket_messages_ticket_idx").on(t.ticketId, t.createdAt),
    check("ticket_messages_author_type_check", sql.raw(`author_type IN (${inList(AUTHOR_TYPES)})`)),
    check("ticket_messages_internal_check", sql`NOT is_internal OR author_type IN ('agent', 'system', 'ai')`),
  ],
);

/** Audit trail and timeline: who changed what, from → to. Identity id gives a total order. */
export const ticketEvents = pgTable(
  "ticket_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid("ticket_id").notNull().references(() => tickets.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorType: text("actor_type").$type<"user" | "ai" | "system">().notNull().default("user"),
    kind: text("kind").notNull(),
    field: text("field"),
    fromValue: jsonb("from_value"),
    toValue: jsonb("to_value"),
    /** Events about internal notes are themselves internal. */
    isInternal: boolean("is_internal").notNull().default(false),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("ticket_events_ticket_idx").on(t.ticketId, t.id),
    index("ticket_events_created_idx").on(t.createdAt),
    index("ticket_events_actor_idx").on(t.actorId, t.createdAt),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    ticketId: uuid("ticket_id").notNull().references(() => tickets.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => ticketMessages.id, { onDelete: "set null" }),
    uploaderId: uuid("uploader_id").references(() => users.id, { onDelete: "set null" }),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_ticket_idx").on(t.ticketId), check("attachments_size_check", sql`size_bytes >= 0`)],
);

/** CSAT: one rating per ticket. */
export const ticketFeedback = pgTable(
  "ticket_feedback",
  {
    id: id(),
    ticketId: uuid("ticket_id").notNull().references(() => tickets.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    rating: smallint("rating").notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ticket_feedback_ticket_key").on(t.ticketId),
    check("ticket_feedback_rating_check", sql`rating BETWEEN 1 AND 5`),
  ],
);

/** SLA targets per priority, in minutes. */
export const slaPolicies = pgTable(
  "sla_policies",
  {
    priority: text("priority").$type<TicketPriority>().primaryKey(),
    firstResponseMinutes: integer("first_response_minutes").notNull(),
    resolutionMinutes: integer("resolution_minutes").notNull(),
    updatedAt: updatedAt(),
  },
  () => [
    check("sla_policies_priority_check", sql.raw(`priority IN (${inList(TICKET_PRIORITIES)})`)),
    check("sla_policies_minutes_check", sql`first_response_minutes > 0 AND resolution_minutes > 0`),
  ],
);
