import { z } from "@hono/zod-openapi";
import { sql, type AnyColumn } from "drizzle-orm";
import { AppError } from "../errors.js";

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ description: "Page size (1–100)" }),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor from the previous page" }),
};

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

/** Opaque cursors: base64url JSON of the last row's sort key and id. */
export function encodeCursor(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === arity) return value;
  } catch {
    // fall through
  }
  throw new AppError("VALIDATION_FAILED", "query.cursor: not a cursor returned by this endpoint", [
    { field: "query.cursor", message: "not a cursor returned by this endpoint" },
  ]);
}

/**
 * A fixed-width UTC timestamp with microseconds, e.g. 2025-01-31T09:15:02.123456Z. JS Dates stop
 * at milliseconds, and several rows written in one transaction often share a millisecond, so
 * keyset cursors over a timestamp compare this string instead (it sorts like the timestamp).
 * The column is read as the text Postgres sends (both drivers pass timestamptz through as text)
 * and reshaped here: a to_char per row cost more than the rest of a page's mapping.
 */
export const sortKeyOf = (column: AnyColumn) => sql<string>`${column}`.mapWith(sortKeyFromPgText);

/**
 * The column as the timestamptz text Postgres sends, for a keyset cursor over (timestamp, id):
 * only the page's last row becomes a cursor, so the text is reshaped there (encodeKeyset) rather
 * than on every row as sortKeyOf does (which lists that compare keys across rows need).
 */
export const keysetKeyOf = (column: AnyColumn) => sql<string>`${column}`;

/** The cursor after a row, from its keysetKeyOf text and id; decodeKeyset reads it back. */
export const encodeKeyset = (keyText: string, id: string): string => encodeCursor([sortKeyFromPgText(keyText), id]);

// Postgres's ISO output: 2025-01-31 09:15:02.123+00, with the session's offset (+05:30, -08).
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

export function sortKeyFromPgText(value: unknown): string {
  const m = typeof value === "string" ? PG_TIMESTAMPTZ.exec(value) : null;
  if (!m) throw new Error(`unexpected timestamptz text from the database: ${String(value)}`);
  const [, y, mo, d, h, mi, sec, fraction = "", sign, oh, om = "0", os = "0"] = m;
  const offsetSeconds = (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const utc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) - offsetSeconds * 1000);
  return `${utc.toISOString().slice(0, 19)}.${fraction.padEnd(6, "0")}Z`;
}

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A key sortKeyFromPgText produced (so a forged cursor is a 400, not a cast error). */
export const isSortKey = (v: unknown): v is string => typeof v === "string" && SORT_KEY.test(v);
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);

/** Keyset cursor over (timestamp, id); checked here so a forged cursor is a 400, not a cast error. */
export function decodeKeyset(cursor: string | undefined): { at: string; id: string } | undefined {
  const value = decodeCursor(cursor, 2);
  if (!value) return undefined;
  const [at, id] = value;
  if (isSortKey(at) && isUuid(id)) return { at, id };
  throw new AppError("VALIDATION_FAILED", "query.cursor: not a cursor returned by this endpoint", [
    { field: "query.cursor", message: "not a cursor returned by this endpoint" },
  ]);
}
