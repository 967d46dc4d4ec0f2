import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { drizzleClient, pgliteOptions, simpleQueryOf } from "../../db/pglite.js";
import { pgTable, timestamp, uuid } from "drizzle-orm/pg-core";

// drizzle's PGlite driver passes result parsers with every query; the project's instances carry
// them already, and drizzleClient drops the per-query copy. Either way, values must map the same.
const events = pgTable("events", {
  id: uuid("id").primaryKey().defaultRandom(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  atText: timestamp("at_text", { withTimezone: true, mode: "string" }).notNull(),
});

const opened: PGlite[] = [];
afterAll(async () => {
  for (const p of opened) await p.close();
});

async function roundTrip(pglite: PGlite) {
  opened.push(pglite);
  const db = drizzle(drizzleClient(pglite));
  await db.execute(sql`CREATE TABLE events (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz NOT NULL, at_text timestamptz NOT NULL)`);
  const when = new Date("2026-03-04T05:06:07.891Z");
  await db.transaction(async (tx) => tx.insert(events).values({ at: when, atText: "2026-03-04 05:06:07.891+00" }));
  const [row] = await db.select().from(events);
  const [intervals] = (await db.execute(sql`SELECT interval '90 minutes' AS span, ARRAY[now(), now()] AS stamps`)).rows as { span: unknown; stamps: unknown }[];
  return { row: row!, when, intervals: intervals! };
}

describe("drizzleClient", () => {
  it("drops drizzle's per-query parsers for an instance opened with pgliteOptions, with the same results", async () => {
    const pglite = await PGlite.create(pgliteOptions());
    expect(drizzleClient(pglite)).not.toBe(pglite);
    const { row, when, intervals } = await roundTrip(pglite);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.getTime()).toBe(when.getTime());
    expect(row.atText).toBe("2026-03-04 05:06:07.891+00");
    expect(intervals.span).toBe("01:30:00");
    // Arrays arrive parsed, each element as the text drizzle's array columns map.
    expect(intervals.stamps).toEqual([expect.any(String), expect.any(String)]);
  });

  it("leaves an instance opened without them to drizzle's own per-query parsers", async () => {
    const pglite = await PGlite.create();
    expect(drizzleClient(pglite)).toBe(pglite);
    const { row, when, intervals } = await roundTrip(pglite);
    expect(row.at.getTime()).toBe(when.getTime());
    expect(row.atText).toBe("2026-03-04 05:06:07.891+00");
    expect(intervals.span).toBe("01:30:00");
  });
});

// runAs sends its settings through simpleQueryOf on PGlite: the statement must run inside the
// drizzle transaction it was asked for, and other clients must fall back to tx.execute.
describe("simpleQueryOf", () => {
  it("runs text in the drizzle transaction on a wrapped instance", async () => {
    const pglite = await PGlite.create(pgliteOptions());
    opened.push(pglite);
    const db = drizzle(drizzleClient(pglite));
    const seen = await db.transaction(async (tx) => {
      const simple = simpleQueryOf(tx);
      expect(simple).toBeTypeOf("function");
      await simple!("select set_config('app.probe', 'inside', true)");
      return (await tx.execute(sql`select current_setting('app.probe', true) AS v`)).rows[0];
    });
    expect(seen).toEqual({ v: "inside" });
    // Not outside one: settings sent there would end with their own statement.
    expect(simpleQueryOf(db)).toBeUndefined();
    // Local to that transaction.
    expect((await db.execute(sql`select coalesce(current_setting('app.probe', true), '') AS v`)).rows[0]).toEqual({ v: "" });
  });

  it("is undefined for an instance drizzle talks to directly", async () => {
    const pglite = await PGlite.create();
    opened.push(pglite);
    const db = drizzle(drizzleClient(pglite));
    await db.transaction(async (tx) => expect(simpleQueryOf(tx)).toBeUndefined());
  });
});
