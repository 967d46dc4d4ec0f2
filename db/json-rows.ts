import { sql, type Column, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

/**
 * Column types whose JSON form (Postgres's to_json) is the value drizzle maps them to, so a row
 * read as one json value needs no conversion for them. Timestamps are the exception handled
 * below: JSON carries them as ISO text, drizzle as Date. Any other type is refused when the
 * reader is built, so a new column cannot slip through with a value drizzle would have shaped
 * differently (numeric as string, bigint, bytea…).
 */
const AS_IS = new Set(["PgUUID", "PgText", "PgVarchar", "PgInteger", "PgSmallInt", "PgBoolean", "PgJsonb", "PgJson"]);
const TIMESTAMP = "PgTimestamp";

export interface JsonRowReader<Row> {
  /** `json_build_object('key', column, …)`: the row as one json value, keyed like the columns record. */
  select: SQL;
  /** The json value (parsed, as both drivers hand json over, or its text) as drizzle would have mapped the same columns. */
  read(value: Record<string, unknown> | string): Row;
}

/**
 * Reads rows as one json value each instead of one field per column. On embedded PGlite every
 * field of a result costs JS work twice — PGlite's protocol reader decodes it, drizzle maps it —
 * and for a page of 25 tickets × 22 columns that is most of the read: as a json value per row the
 * same page reads in about half the time (bench/README.md). Row-level security, filters and order
 * are untouched: only the select list changes.
 */
export function jsonRowReader<Row>(columns: Record<string, Column>): JsonRowReader<Row> {
  const entries = Object.entries(columns);
  const timestamps: string[] = [];
  for (const [key, column] of entries) {
    const type = column.columnType;
    // Only with a time zone: json carries a plain timestamp without an offset, which Date would
    // read as local time where drizzle reads UTC.
    if (type === TIMESTAMP && (column as unknown as { withTimezone?: boolean }).withTimezone) timestamps.push(key);
    else if (!(AS_IS.has(type) || (type === "PgArray" && isPlainArray(column)))) {
      throw new Error(`jsonRowReader: column ${column.name} (${type}) has no checked json form`);
    }
  }
  // json_build_object takes at most 100 arguments: 50 columns.
  if (entries.length > 50) throw new Error("jsonRowReader: more than 50 columns");
  // Rendered to text once: drizzle would otherwise rebuild these ~60 pieces on every query.
  const built = new PgDialect().sqlToQuery(
    sql`json_build_object(${sql.join(
      entries.map(([key, column]) => sql`${sql.raw(`'${key.replace(/'/g, "''")}'`)}, ${column}`),
      sql`, `,
    )})`,
  );
  const select = sql.raw(built.sql);
  return {
    select,
    read(json) {
      const value: Record<string, unknown> = typeof json === "string" ? JSON.parse(json) : json;
      for (const key of timestamps) {
        const text = value[key];
        if (typeof text === "string") value[key] = new Date(text);
      }
      return value as Row;
    },
  };
}

/** An array of a type JSON carries as drizzle does (text[], uuid[], integer[]…). */
function isPlainArray(column: Column): boolean {
  const base = (column as unknown as { baseColumn?: Column }).baseColumn;
  return base !== undefined && AS_IS.has(base.columnType) && base.columnType !== "PgJsonb" && base.columnType !== "PgJson";
}
