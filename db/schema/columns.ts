import { customType, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

/** Dimensions of every embedding column. Changing it needs a migration and `autocrm kb reindex`. */
export const EMBEDDING_DIMENSIONS = 768;

/** Postgres full-text vector; only ever written by generated columns. */
export const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});

export const id = () => uuid("id").primaryKey().defaultRandom();

/**
 * clock_timestamp() rather than now(): several rows written in one transaction
 * (a message and its audit event) must still sort in the order they were written.
 */
export const createdAt = () =>
  timestamp("created_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`);
export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true }).notNull().default(sql`clock_timestamp()`);
export const ts = (name: string) => timestamp(name, { withTimezone: true });
