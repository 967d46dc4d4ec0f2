import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketEvents, tickets } from "../../db/schema/index.js";
import type { TicketStatus } from "../../db/schema/enums.js";
import { flagSlaBreaches } from "../../src/services/tickets/sla-breaches.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTicket } from "../harness/factories.js";

const NOW = new Date("2026-03-02T12:00:00Z");
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

let ctx: TestContext;
let customer: Awaited<ReturnType<typeof signedInUser>>;
const T: Record<string, string> = {};

interface Times {
  frDue?: Date;
  resDue?: Date;
  responded?: Date;
  resolved?: Date;
}

async function ticket(name: string, status: TicketStatus, t: Times) {
  const row = await createTicket(ctx.database.db, { customerId: customer.user.id, status, createdAt: min(-600) });
  await ctx.database.db
    .update(tickets)
    .set({ firstResponseDueAt: t.frDue ?? null, resolutionDueAt: t.resDue ?? null, firstRespondedAt: t.responded ?? null, resolvedAt: t.resolved ?? null })
    .where(eq(tickets.id, row.id));
  T[name] = row.id;
}

const breachEvents = () => ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, "ticket.sla_breached"));
const flagged = async () => (await breachEvents()).map((e) => `${Object.keys(T).find((k) => T[k] === e.ticketId)}:${e.field}`).sort();

beforeAll(async () => {
  ctx = await createTestContext();
  customer = await signedInUser(ctx, "customer");
  await ticket("openFirstResponse", "open", { frDue: min(-10), resDue: min(600) });
  await ticket("newBoth", "new", { frDue: min(-120), resDue: min(-60) });
  await ticket("pendingResolution", "pending", { frDue: min(-300), responded: min(-290), resDue: min(-1) });
  await ticket("answeredInTime", "open", { frDue: min(-300), responded: min(-400), resDue: min(60) });
  await ticket("resolved", "resolved", { frDue: min(-300), resDue: min(-100), resolved: min(-50) });
  await ticket("closedUnanswered", "closed", { frDue: min(-300), resDue: min(-100) });
  await ticket("future", "open", { frDue: min(30), resDue: min(90) });
  await ticket("noTargets", "open", {});
  await ticket("alreadyFlagged", "open", { frDue: min(-300), resDue: min(-200) });
  await ctx.database.db.insert(ticketEvents).values({ ticketId: T.alreadyFlagged!, actorType: "system", kind: "ticket.sla_breached", field: "first_response", isInternal: true });
});
afterAll(() => ctx?.close());

describe("flagSlaBreaches", () => {
  it("writes one internal system event per open ticket per missed target", async () => {
    const result = await flagSlaBreaches(ctx.database.db, NOW);
    expect(result).toEqual({ flagged: 5, firstResponse: 2, resolution: 3 });
    expect(await flagged()).toEqual([
      "alreadyFlagged:first_response", // the pre-existing one
      "alreadyFlagged:resolution",
      "newBoth:first_response",
      "newBoth:resolution",
      "openFirstResponse:first_response",
      "pendingResolution:resolution",
    ]);
    const [event] = await ctx.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, T.newBoth!), eq(ticketEvents.field, "resolution")));
    expect(event).toMatchObject({
      kind: "ticket.sla_breached",
      actorType: "system",
      actorId: null,
      isInternal: true,
      metadata: { dueAt: min(-60).toISOString(), detectedAt: NOW.toISOString() },
    });
  });

  it("is idempotent: a second run writes nothing", async () => {
    const before = (await breachEvents()).length;
    expect(await flagSlaBreaches(ctx.database.db, NOW)).toEqual({ flagged: 0, firstResponse: 0, resolution: 0 });
    expect((await breachEvents()).length).toBe(before);
  });

  it("flags a deadline once it passes, even when two runs race", async () => {
    const later = min(45);
    const [a, b] = await Promise.all([flagSlaBreaches(ctx.database.db, later), flagSlaBreaches(ctx.database.db, later)]);
    expect(a.flagged + b.flagged).toBe(1);
    expect((await flagged()).filter((f) => f.startsWith("future:"))).toEqual(["future:first_response"]);
  });

  it("shows the events to staff on the timeline, never to the customer", async () => {
    const admin = await signedInUser(ctx, "admin");
    const staff = await ctx.http("GET", `/tickets/${T.newBoth}/timeline`, { token: admin.token });
    expect(staff.status).toBe(200);
    expect(JSON.stringify(staff.body)).toContain("ticket.sla_breached");
    const res = await ctx.http("GET", `/tickets/${T.newBoth}/timeline`, { token: customer.token });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain("sla_breached");
  });
});
