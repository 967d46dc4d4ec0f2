import { z } from "@hono/zod-openapi";
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
