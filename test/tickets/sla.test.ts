import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slaPolicies, tickets } from "../../db/schema/index.js";
import { slaState } from "../../src/services/tickets/sla.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTicket } from "../harness/factories.js";
import { MINUTE, POLICIES, seedSlaPolicies } from "./helpers.js";

const NOW = new Date("2026-03-02T12:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);

// Each case: minutes relative to now (null = not set), and the state it must be in.
type Case = { created: number; frDue: number | null; resDue: number | null; responded?: number; resolved?: number };
const CASES: [string, Case, string][] = [
  ["no targets", { created: -10, frDue: null, resDue: null }, "none"],
  ["early in both windows", { created: -10, frDue: 470, resDue: 4310 }, "ok"],
  ["first response due within the hour (8 h window: capped at 1 h)", { created: -430, frDue: 50, resDue: 3890 }, "at_risk"],
  ["an hour and a bit before due is still ok", { created: -400, frDue: 80, resDue: 3920 }, "ok"],
  ["short window: last 25% (10 of 40 min) is at risk", { created: -32, frDue: 8, resDue: 208 }, "at_risk"],
  ["short window: 15 of 40 min left is ok", { created: -25, frDue: 15, resDue: 215 }, "ok"],
  ["first response overdue", { created: -500, frDue: -20, resDue: 3800 }, "breached"],
  ["first response came late: still breached", { created: -500, frDue: -20, resDue: 3800, responded: -10 }, "breached"],
  ["responded in time, resolution far", { created: -500, frDue: -20, resDue: 3800, responded: -30 }, "ok"],
  ["responded in time, resolution due within the hour", { created: -4000, frDue: -3520, resDue: 40, responded: -3900 }, "at_risk"],
  ["resolution overdue", { created: -4400, frDue: -3920, resDue: -80, responded: -4300 }, "breached"],
  ["resolved in time", { created: -100, frDue: 380, resDue: 4220, responded: -90, resolved: -5 }, "met"],
  ["resolved before anyone replied, in time", { created: -100, frDue: 380, resDue: 4220, resolved: -50 }, "met"],
  ["resolved late", { created: -5000, frDue: -4520, resDue: -680, responded: -4900, resolved: -600 }, "breached"],
];

describe("slaState", () => {
  it.each(CASES)("%s → %s", (_name, c, state) => {
    const row = {
      createdAt: at(c.created),
      firstResponseDueAt: c.frDue === null ? null : at(c.frDue),
      resolutionDueAt: c.resDue === null ? null : at(c.resDue),
      firstRespondedAt: c.responded === undefined ? null : at(c.responded),
      resolvedAt: c.resolved === undefined ? null : at(c.resolved),
    };
    expect(slaState(row, NOW)).toBe(state);
  });
});

describe("SLA through the API", () => {
  let ctx: TestContext;
  let customer: Awaited<ReturnType<typeof signedInUser>>;
  let admin: Awaited<ReturnType<typeof signedInUser>>;
  const byCase = new Map<string, string>();

  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSlaPolicies(ctx);
    await ctx.database.db.delete(slaPolicies).where(eq(slaPolicies.priority, "low"));
    customer = await signedInUser(ctx, "customer");
    admin = await signedInUser(ctx, "admin");
    // The same cases, as rows placed relative to the database's clock.
    const minutes = (m: number | null | undefined) => (m === null || m === undefined ? null : sql`now() + make_interval(mins => ${m}::int)`);
    for (const [name, c] of CASES) {
      const t = await createTicket(ctx.database.db, { customerId: customer.user.id, subject: name });
      await ctx.database.db
        .update(tickets)
        .set({
          createdAt: minutes(c.created)!,
          firstResponseDueAt: minutes(c.frDue),
          resolutionDueAt: minutes(c.resDue),
          firstRespondedAt: minutes(c.responded),
          resolvedAt: minutes(c.resolved),
          status: c.resolved === undefined ? "open" : "resolved",
        })
        .where(eq(tickets.id, t.id));
      byCase.set(t.id, name);
    }
  });
  afterAll(() => ctx?.close());

  const namesWith = (state: string) => new Set(CASES.filter(([, , s]) => s === state).map(([name]) => name));

  it.each(["breached", "at_risk", "ok"])("sla=%s returns exactly the tickets in that state", async (state) => {
    const res = await ctx.http("GET", `/tickets?sla=${state}&limit=100&customerId=${customer.user.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(new Set(res.body.data.map((t: { id: string }) => byCase.get(t.id)))).toEqual(namesWith(state));
    for (const t of res.body.data) expect(t.sla.state).toBe(state);
  });

  it("due dates come from the policy of the priority, measured from creation", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { subject: "Down", description: "All down", priority: "high" } });
    expect(res.status).toBe(201);
    const created = Date.parse(res.body.createdAt);
    expect(Date.parse(res.body.sla.firstResponseDueAt) - created).toBe(POLICIES.high.firstResponseMinutes * MINUTE);
    expect(Date.parse(res.body.sla.resolutionDueAt) - created).toBe(POLICIES.high.resolutionMinutes * MINUTE);
    expect(res.body.sla.state).toBe("ok");
  });

  it("a priority without a policy has no targets; moving to one with a policy gets them from created_at", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { subject: "Idea", description: "Dark mode?", priority: "low" } });
    expect(res.body).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null, sla: { state: "none" } });
    const patched = await ctx.http("PATCH", `/tickets/${res.body.id}`, { token: admin.token, json: { priority: "urgent" } });
    const created = Date.parse(res.body.createdAt);
    expect(Date.parse(patched.body.firstResponseDueAt) - created).toBe(POLICIES.urgent.firstResponseMinutes * MINUTE);
    expect(Date.parse(patched.body.resolutionDueAt) - created).toBe(POLICIES.urgent.resolutionMinutes * MINUTE);
    const back = await ctx.http("PATCH", `/tickets/${res.body.id}`, { token: admin.token, json: { priority: "low" } });
    expect(back.body.sla).toMatchObject({ state: "none", firstResponseDueAt: null });
  });
});
