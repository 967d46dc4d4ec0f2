import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { createdAt, id, ts } from "./columns.js";
import { users } from "./users.js";

/**
 * Transactional outbox: written in the same transaction as the change that causes a job, so
 * a job is never lost when Redis is down. The row id is the BullMQ job id (re-dispatch is harmless).
 */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    /**
     * Write order. created_at cannot give it: PGlite's clock ticks in milliseconds, and the rows
     * of one multi-row insert (a new ticket's triage and draft) share a tick.
     */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    job: text("job").notNull(),
    /** Ids only, never ticket text. */
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    availableAt: ts("available_at").notNull().default(sql`clock_timestamp()`),
    dispatchedAt: ts("dispatched_at"),
    completedAt: ts("completed_at"),
    /** Set when the last attempt failed; the row stays for inspection and manual replay. */
    failedAt: ts("failed_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_pending_idx").on(t.availableAt).where(sql`dispatched_at IS NULL`)],
);

/** Replays of creating POSTs that carried an Idempotency-Key. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    scope: text("scope").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: jsonb("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
