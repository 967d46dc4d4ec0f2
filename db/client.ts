import type { PGlite } from "@electric-sql/pglite";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { drizzleClient, openPglite } from "./pglite.js";
import * as schema from "./schema/index.js";

export { openPglite, pgliteExtensions, pgliteOptions } from "./pglite.js";

export type Schema = typeof schema;
/** Either driver: services are written against this and never know which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** What query helpers take as their first argument: the pool or a transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** The embedded instance, when there is one (tests clone it, the socket server serves it). */
  pglite?: PGlite;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; omit for an in-memory database. */
  dataDir?: string;
  /** Use this PGlite instance instead of opening one (tests); open it with pgliteOptions(). */
  pglite?: PGlite;
  poolMax?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url, options.poolMax ?? 10);
  const pglite = options.pglite ?? (await openPglite(options.dataDir));
  const db = drizzlePglite(drizzleClient(pglite), { schema }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    pglite,
    ping: async () => void (await pglite.query("select 1")),
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
}

function openPostgres(url: string, max: number): DatabaseHandle {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    // Prepared statements break behind transaction poolers (pgbouncer); the cost here is small.
    prepare: false,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    ping: async () => void (await db.execute(sql`select 1`)),
    close: async () => client.end({ timeout: 5 }),
  };
}

/**
 * Rows of a raw `db.execute(sql…)`: PGlite answers `{ rows }`, postgres.js an array.
 * Column names come back as written in the SQL (snake_case unless aliased).
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

/**
 * Independent writes as one statement — `WITH w0 AS (first), w1 AS (second) last` — so they cost
 * one round trip and one plan instead of one each (on embedded PGlite, a new ticket's message,
 * audit event and jobs: ~0.7 ms less; bench/README.md). Only for writes that do not read one
 * another's rows: every part sees the snapshot from before the statement, and Postgres promises
 * no order among them — not the array's (it runs the last first), so rows that must sort in
 * writing order take an explicit shared timestamp rather than their clock_timestamp() default.
 * Constraints and row-level security apply to each part as usual.
 */
export async function writeTogether(db: Executor, writes: SQLWrapper[]): Promise<void> {
  // getSQL(): a query builder put straight into sql`` is rendered as a parenthesised subquery.
  const statements = writes.map((write) => write.getSQL());
  const last = statements.at(-1);
  if (!last) return;
  const parts = statements.slice(0, -1).map((write, i) => sql`${sql.raw(`w${i}`)} AS (${write})`);
  await db.execute(parts.length === 0 ? sql`${last}` : sql`WITH ${sql.join(parts, sql`, `)} ${last}`);
}
