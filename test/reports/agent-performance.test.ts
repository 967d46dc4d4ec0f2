import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketFeedback, tickets } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTicket, createUser } from "../harness/factories.js";

let ctx: TestContext;
type Signed = Awaited<ReturnType<typeof signedInUser>>;
let admin: Signed;
let alice: Signed;
let bob: Signed;
let customer: Signed;

const at = (iso: string) => new Date(iso);
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

/** A ticket created at `created`, then its other timestamps set directly (as triage/SLA would). */
async function ticket(
  assigneeId: string | null,
  created: string,
  times: { firstRespondedAt?: Date; resolvedAt?: Date; firstResponseDueAt?: Date; resolutionDueAt?: Date } = {},
  rating?: number,
) {
  const db = ctx.database.db;
  const status = times.resolvedAt ? "resolved" : "open";
  const row = await createTicket(db, { customerId: customer.user.id, assigneeId, status, createdAt: at(created) });
  await db.update(tickets).set(times).where(eq(tickets.id, row.id));
  if (rating) await db.insert(ticketFeedback).values({ ticketId: row.id, customerId: customer.user.id, rating });
  return row;
}

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin", { fullName: "Ada Admin" });
  alice = await signedInUser(ctx, "agent", { fullName: "Alice" });
  bob = await signedInUser(ctx, "agent", { fullName: "Bob" });
  customer = await signedInUser(ctx, "customer");
  const carl = await createUser(ctx.database.db, { role: "agent", fullName: "Carl" });
  await createUser(ctx.database.db, { role: "agent", fullName: "Eve" });
  const a = alice.user.id;

  // Alice — report range is [2025-02-01, 2025-03-01).
  // a1: answered in 30 min, resolved in 120, both deadlines met, rated 5.
  await ticket(a, "2025-02-02T10:00:00Z", {
    firstRespondedAt: plus("2025-02-02T10:00:00Z", 30),
    resolvedAt: plus("2025-02-02T10:00:00Z", 120),
    firstResponseDueAt: plus("2025-02-02T10:00:00Z", 60),
    resolutionDueAt: plus("2025-02-02T10:00:00Z", 480),
  }, 5);
  // a2: answered late (90 > 60) and resolved late (600 > 480): one breaching ticket. Rated 2.
  await ticket(a, "2025-02-03T10:00:00Z", {
    firstRespondedAt: plus("2025-02-03T10:00:00Z", 90),
    resolvedAt: plus("2025-02-03T10:00:00Z", 600),
    firstResponseDueAt: plus("2025-02-03T10:00:00Z", 60),
    resolutionDueAt: plus("2025-02-03T10:00:00Z", 480),
  }, 2);
  // a3: answered in 10 min, still unresolved past its resolution deadline: breach.
  await ticket(a, "2025-02-04T10:00:00Z", { firstRespondedAt: plus("2025-02-04T10:00:00Z", 10), resolutionDueAt: at("2025-02-05T10:00:00Z") });
  // a4: created before the range, resolved on its first instant (from is inclusive): counts as
  // resolved (17280 min) but not in the created cohort, so its rating of 1 is not counted.
  await ticket(a, "2025-01-20T00:00:00Z", { resolvedAt: at("2025-02-01T00:00:00Z") }, 1);
  // a5: answered in 20 min, resolved exactly at `to` (exclusive): not resolved in range; no deadlines.
  await ticket(a, "2025-02-10T00:00:00Z", { firstRespondedAt: plus("2025-02-10T00:00:00Z", 20), resolvedAt: at("2025-03-01T00:00:00Z") });
  // a6: never answered, first-response deadline passed: breach.
  await ticket(a, "2025-02-05T10:00:00Z", { firstResponseDueAt: at("2025-02-05T11:00:00Z") });
  // a7: resolved in 30 min without a reply, before the reply deadline: no breach.
  await ticket(a, "2025-02-06T00:00:00Z", { resolvedAt: plus("2025-02-06T00:00:00Z", 30), firstResponseDueAt: plus("2025-02-06T00:00:00Z", 60) });

  // Bob: one ticket answered in 45.5 min, not resolved, deadline far away.
  await ticket(bob.user.id, "2025-02-15T08:00:00Z", {
    firstRespondedAt: new Date(Date.parse("2025-02-15T08:00:00Z") + 45.5 * 60_000),
    resolutionDueAt: at("2099-01-01T00:00:00Z"),
  });
  // Ada (admin): created long before, resolved in range after 81 days.
  await ticket(admin.user.id, "2024-12-01T00:00:00Z", { resolvedAt: at("2025-02-20T00:00:00Z") });
  // Outside the range or unassigned: no effect. Carl and Eve have no activity in range.
  await ticket(carl.id, "2025-03-05T00:00:00Z", { resolvedAt: at("2025-03-06T00:00:00Z") }, 4);
  await ticket(null, "2025-02-07T00:00:00Z", { resolvedAt: at("2025-02-08T00:00:00Z") }, 3);
});
afterAll(() => ctx?.close());

describe("GET /reports/agents", () => {
  it("computes exact per-agent numbers for the range", async () => {
    const res = await ctx.http("GET", "/reports/agents?from=2025-02-01&to=2025-03-01", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.from).toBe("2025-02-01T00:00:00.000Z");
    expect(res.body.to).toBe("2025-03-01T00:00:00.000Z");
    expect(res.body.agents).toEqual([
      {
        agentId: admin.user.id,
        fullName: "Ada Admin",
        role: "admin",
        ticketsResolved: 1,
        medianFirstResponseMinutes: null,
        medianResolutionMinutes: 81 * 24 * 60,
        csatAverage: null,
        csatCount: 0,
        slaBreaches: 0,
      },
      {
        agentId: alice.user.id,
        fullName: "Alice",
        role: "agent",
        ticketsResolved: 4, // a1, a2, a4, a7
        medianFirstResponseMinutes: 25, // 10, 20, 30, 90
        medianResolutionMinutes: 360, // 30, 120, 600, 17280
        csatAverage: 3.5, // 5 and 2
        csatCount: 2,
        slaBreaches: 3, // a2, a3, a6
      },
      {
        agentId: bob.user.id,
        fullName: "Bob",
        role: "agent",
        ticketsResolved: 0,
        medianFirstResponseMinutes: 45.5,
        medianResolutionMinutes: null,
        csatAverage: null,
        csatCount: 0,
        slaBreaches: 0,
      },
    ]);
  });

  it("accepts date-times with offsets and narrows to them", async () => {
    const res = await ctx.http("GET", `/reports/agents?from=${encodeURIComponent("2025-02-03T00:00:00+00:00")}&to=2025-02-04T00:00:00Z`, {
      token: admin.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.agents).toEqual([
      expect.objectContaining({ fullName: "Alice", ticketsResolved: 1, medianFirstResponseMinutes: 90, medianResolutionMinutes: 600, csatAverage: 2, csatCount: 1, slaBreaches: 1 }),
    ]);
  });

  it("an empty range yields no agents", async () => {
    const res = await ctx.http("GET", "/reports/agents?from=2020-01-01&to=2020-02-01", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.agents).toEqual([]);
  });

  it("400 naming query.to for a reversed or over-long range, and the missing or malformed field", async () => {
    const reversed = await ctx.http("GET", "/reports/agents?from=2025-03-01&to=2025-03-01", { token: admin.token });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([{ field: "query.to", message: "must be after from" }]);
    const long = await ctx.http("GET", "/reports/agents?from=2024-01-01&to=2025-01-02", { token: admin.token });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ field: "query.to", message: "the range may span at most 366 days" }]);
    // Exactly 366 days (a leap year) is allowed.
    expect((await ctx.http("GET", "/reports/agents?from=2024-01-01&to=2025-01-01", { token: admin.token })).status).toBe(200);

    const missing = await ctx.http("GET", "/reports/agents?to=2025-03-01", { token: admin.token });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe("query.from");
    const malformed = await ctx.http("GET", "/reports/agents?from=2025-02-01&to=March", { token: admin.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe("query.to");
  });

  it("403 for agents and customers, 401 anonymous", async () => {
    const q = "/reports/agents?from=2025-02-01&to=2025-03-01";
    expect((await ctx.http("GET", q, { token: alice.token })).status).toBe(403);
    expect((await ctx.http("GET", q, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", q)).status).toBe(401);
  });
});
