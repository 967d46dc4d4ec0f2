import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTogether, type DatabaseHandle } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import { outbox, ticketEvents, ticketMessages } from "../../db/schema/index.js";
import type { UserActor } from "../../src/auth/actor.js";
import { createTestDatabase } from "../harness/database.js";
import { createTicket, createUser } from "../harness/factories.js";

// writeTogether sends independent inserts as one statement (data-modifying CTEs). One statement
// means all or nothing even outside a transaction, and each part still meets its table's policy.

let handle: DatabaseHandle;
let customer: UserActor;
let ticketId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const user = await createUser(handle.db, { role: "customer" });
  customer = { kind: "user", id: user!.id, role: "customer", email: user!.email, fullName: user!.fullName };
  ticketId = (await createTicket(handle.db, { customerId: user!.id })).id;
});
afterAll(() => handle?.close());

const countFor = async (marker: string) => {
  const db = handle.db;
  const messages = await db.select().from(ticketMessages).where(eq(ticketMessages.body, marker));
  const events = await db.select().from(ticketEvents).where(eq(ticketEvents.kind, marker));
  const jobs = await db.select().from(outbox).where(eq(outbox.job, marker));
  return [messages.length, events.length, jobs.length];
};

describe("writeTogether", () => {
  it("writes every part, with each part's values mapped as drizzle maps them", async () => {
    const db = handle.db;
    await writeTogether(db, [
      db.insert(ticketMessages).values({ ticketId, authorType: "system", body: "together-1" }),
      db.insert(ticketEvents).values({ ticketId, kind: "together-1", toValue: { nested: ["json", 1] } }),
      db.insert(outbox).values([
        { job: "together-1", payload: { n: 1 } },
        { job: "together-1", payload: { n: 2 } },
      ]),
    ]);
    expect(await countFor("together-1")).toEqual([1, 1, 2]);
    const [event] = await db.select().from(ticketEvents).where(eq(ticketEvents.kind, "together-1"));
    expect(event!.toValue).toEqual({ nested: ["json", 1] });
  });

  it("is one statement: a failing part leaves none of the others, even outside a transaction", async () => {
    const db = handle.db;
    const missingTicket = "00000000-0000-4000-8000-000000000000";
    await expect(
      writeTogether(db, [
        db.insert(ticketMessages).values({ ticketId, authorType: "system", body: "together-2" }),
        db.insert(outbox).values({ job: "together-2", payload: {} }),
        db.insert(ticketEvents).values({ ticketId: missingTicket, kind: "together-2" }),
      ]),
    ).rejects.toThrow();
    expect(await countFor("together-2")).toEqual([0, 0, 0]);
  });

  it("holds each part to its table's row-level security", async () => {
    const failure = await runAs(handle.db, customer, (tx) =>
      writeTogether(tx, [
        tx.insert(outbox).values({ job: "together-3", payload: {} }),
        // A customer may not write an internal note, not even beside an allowed write.
        tx.insert(ticketMessages).values({ ticketId, authorId: customer.id, authorType: "customer", body: "together-3", isInternal: true }),
      ]),
    ).catch((err: Error) => err);
    expect((failure as Error & { cause?: Error }).cause?.message).toMatch(/row-level security/);
    expect(await countFor("together-3")).toEqual([0, 0, 0]);
  });

  it("does nothing for no writes", async () => {
    await expect(writeTogether(handle.db, [])).resolves.toBeUndefined();
  });
});
