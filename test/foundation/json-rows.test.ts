import { eq, getTableColumns, sql } from "drizzle-orm";
import { numeric, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.js";
import { jsonRowReader, type JsonRowReader } from "../../db/json-rows.js";
import { tickets, users } from "../../db/schema/index.js";
import { createTestDatabase } from "../harness/database.js";
import { createTicket, createUser } from "../harness/factories.js";

// A row read as one json value must come back exactly as drizzle maps the same columns, for every
// column type the reader accepts — the ticket list depends on it.

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

type TicketRow = typeof tickets.$inferSelect;
const viaJson = async (reader: JsonRowReader<TicketRow>, id: string) => {
  const rows = await queryRows<{ row: Record<string, unknown> }>(handle.db, sql`SELECT ${reader.select} AS row FROM ${tickets} WHERE ${tickets.id} = ${id}`);
  return reader.read(rows[0]!.row);
};

describe("jsonRowReader", () => {
  it("reads every ticket column as drizzle does: microsecond timestamps, nulls, arrays and json with quotes and unicode", async () => {
    const db = handle.db;
    const customer = await createUser(db, { role: "customer" });
    const full = await createTicket(db, { customerId: customer!.id, subject: `quote " back\\slash ünïcødé 🎫` });
    await db
      .update(tickets)
      .set({
        tags: ["a,b", 'say "hi"', "{brace}", "ß"],
        customFields: { nested: { list: [1, "two", null, true] }, "key with 'quote'": "x\ny", n: 1.5 },
        language: "de",
        needsHuman: true,
        firstResponseDueAt: sql`'2026-01-02 03:04:05.123456+00'::timestamptz`,
        resolutionDueAt: sql`'2026-01-02 03:04:05+05:30'::timestamptz`,
        firstRespondedAt: sql`'1999-12-31 23:59:59.999999+00'::timestamptz`,
        resolvedAt: sql`now()`,
        closedAt: null,
      })
      .where(eq(tickets.id, full.id));
    const bare = await createTicket(db, { customerId: customer!.id });

    const columns = getTableColumns(tickets);
    const reader = jsonRowReader<TicketRow>(columns);
    for (const id of [full.id, bare.id]) {
      const [expected] = await db.select().from(tickets).where(eq(tickets.id, id));
      expect(await viaJson(reader, id)).toEqual(expected);
    }
    const read = await viaJson(reader, full.id);
    expect(read.firstResponseDueAt).toBeInstanceOf(Date);
    expect(read.closedAt).toBeNull();
  });

  it("reads the users table too (a second set of column types)", async () => {
    const db = handle.db;
    const user = await createUser(db, { role: "agent" });
    const reader = jsonRowReader(getTableColumns(users));
    const rows = await queryRows<{ row: Record<string, unknown> }>(db, sql`SELECT ${reader.select} AS row FROM ${users} WHERE ${users.id} = ${user!.id}`);
    const [expected] = await db.select().from(users).where(eq(users.id, user!.id));
    expect(reader.read(rows[0]!.row)).toEqual(expected);
  });

  it("refuses a column whose json form it has not been checked against", () => {
    const priced = pgTable("priced", { label: text("label"), price: numeric("price") });
    expect(() => jsonRowReader(getTableColumns(priced))).toThrow(/price \(PgNumeric\)/);
    const local = pgTable("local_times", { at: timestamp("at") });
    expect(() => jsonRowReader(getTableColumns(local))).toThrow(/at \(PgTimestamp\)/);
  });
});
