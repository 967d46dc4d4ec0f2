import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiFeedback, ticketEvents, tickets, type TicketStatus } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket } from "../harness/factories.js";
import { badFields, MINUTE, POLICIES, seedSlaPolicies } from "./helpers.js";

let ctx: TestContext;
type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
let customerA: SignedIn, customerB: SignedIn, agentIn: SignedIn, agentOut: SignedIn, admin: SignedIn;
let teamId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSlaPolicies(ctx);
  [customerA, customerB, agentIn, agentOut, admin] = await Promise.all([
    signedInUser(ctx, "customer"),
    signedInUser(ctx, "customer"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "admin"),
  ]);
  teamId = (await createTeam(ctx.database.db, { members: [agentIn.user.id] })).id;
});
afterAll(() => ctx?.close());

const eventsOf = (ticketId: string) => ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id);
const teamTicket = (attrs: { status?: TicketStatus } = {}) => createTicket(ctx.database.db, { customerId: customerA.user.id, teamId, ...attrs });

describe("GET /tickets/{id}", () => {
  it("returns the ticket to its customer, its team's agent and admins", async () => {
    const t = await teamTicket();
    for (const who of [customerA, agentIn, admin]) {
      const res = await ctx.http("GET", `/tickets/${t.id}`, { token: who.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: t.id, number: t.number, customerId: customerA.user.id, teamId, sla: { state: "none" } });
    }
  });

  it("404 for another customer's ticket, an agent outside the team, and an unknown id", async () => {
    const t = await teamTicket();
    expect((await ctx.http("GET", `/tickets/${t.id}`, { token: customerB.token })).status).toBe(404);
    const outside = await ctx.http("GET", `/tickets/${t.id}`, { token: agentOut.token });
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe("TICKET_NOT_FOUND");
    expect((await ctx.http("GET", `/tickets/${crypto.randomUUID()}`, { token: admin.token })).status).toBe(404);
  });

  it("an agent sees a team ticket assigned to them even outside the team", async () => {
    const t = await createTicket(ctx.database.db, { customerId: customerA.user.id, teamId, assigneeId: agentOut.user.id });
    expect((await ctx.http("GET", `/tickets/${t.id}`, { token: agentOut.token })).status).toBe(200);
  });

  it("400 for an id that is not a uuid; 401 without a session", async () => {
    const res = await ctx.http("GET", "/tickets/123", { token: admin.token });
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["params.id"]);
    expect((await ctx.http("GET", `/tickets/${crypto.randomUUID()}`)).status).toBe(401);
  });
});

describe("PATCH /tickets/{id} by staff", () => {
  it("changes priority (re-timing SLA from creation), tags, custom fields and subject, with one event each", async () => {
    const t = await teamTicket();
    const res = await ctx.http("PATCH", `/tickets/${t.id}`, {
      token: agentIn.token,
      json: { priority: "high", tags: ["Refund", "refund", "EU"], customFields: { order: "A-17" }, subject: "Refund for order A-17" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priority: "high", tags: ["refund", "eu"], customFields: { order: "A-17" }, subject: "Refund for order A-17" });
    const created = t.createdAt.getTime();
    expect(Date.parse(res.body.firstResponseDueAt)).toBe(created + POLICIES.high.firstResponseMinutes * MINUTE);
    expect(Date.parse(res.body.resolutionDueAt)).toBe(created + POLICIES.high.resolutionMinutes * MINUTE);
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(t.updatedAt.getTime());
    const events = await eventsOf(t.id);
    expect(events.map((e) => [e.kind, e.fromValue, e.toValue, e.actorId])).toEqual([
      ["ticket.priority_changed", "medium", "high", agentIn.user.id],
      ["ticket.tags_changed", [], ["refund", "eu"], agentIn.user.id],
      ["ticket.custom_fields_changed", {}, { order: "A-17" }, agentIn.user.id],
      ["ticket.subject_changed", t.subject, "Refund for order A-17", agentIn.user.id],
    ]);
  });

  it("walks allowed status transitions and stamps resolved/closed times", async () => {
    const t = await teamTicket();
    const patch = (status: TicketStatus) => ctx.http("PATCH", `/tickets/${t.id}`, { token: agentIn.token, json: { status } });
    expect((await patch("open")).body.status).toBe("open");
    expect((await patch("pending")).body.status).toBe("pending");
    const resolved = await patch("resolved");
    expect(resolved.body.resolvedAt).not.toBeNull();
    const reopened = await patch("open");
    expect(reopened.body).toMatchObject({ status: "open", resolvedAt: null });
    const closed = await patch("closed");
    expect(closed.body.status).toBe("closed");
    expect(closed.body.closedAt).not.toBeNull();
    expect(closed.body.resolvedAt).not.toBeNull();
    const statusEvents = (await eventsOf(t.id)).filter((e) => e.kind === "ticket.status_changed").map((e) => [e.fromValue, e.toValue]);
    expect(statusEvents).toEqual([
      ["new", "open"],
      ["open", "pending"],
      ["pending", "resolved"],
      ["resolved", "open"],
      ["open", "closed"],
    ]);
  });

  it("409 INVALID_TRANSITION for a change the status rules forbid, writing nothing", async () => {
    const t = await teamTicket({ status: "closed" });
    const res = await ctx.http("PATCH", `/tickets/${t.id}`, { token: admin.token, json: { status: "open", priority: "urgent" } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("INVALID_TRANSITION");
    const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ status: "closed", priority: "medium" });
    expect(await eventsOf(t.id)).toHaveLength(0);
  });

  it("records an ai_feedback override when staff change the priority triage chose", async () => {
    const t = await teamTicket();
    await ctx.database.db.update(tickets).set({ metadata: { ai: { priority: "medium", teamId } } }).where(eq(tickets.id, t.id));
    await ctx.http("PATCH", `/tickets/${t.id}`, { token: agentIn.token, json: { priority: "urgent" } });
    const rows = await ctx.database.db.select().from(aiFeedback).where(eq(aiFeedback.ticketId, t.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "override", field: "priority", aiValue: "medium", humanValue: "urgent", actorId: agentIn.user.id });
    // Setting it back to what the AI said is not another disagreement.
    await ctx.http("PATCH", `/tickets/${t.id}`, { token: agentIn.token, json: { priority: "medium" } });
    expect(await ctx.database.db.select().from(aiFeedback).where(eq(aiFeedback.ticketId, t.id))).toHaveLength(1);
  });

  it("no override row when triage left no decision", async () => {
    const t = await teamTicket();
    await ctx.http("PATCH", `/tickets/${t.id}`, { token: admin.token, json: { priority: "low" } });
    expect(await ctx.database.db.select().from(aiFeedback).where(eq(aiFeedback.ticketId, t.id))).toHaveLength(0);
  });
});

describe("PATCH /tickets/{id} by customers", () => {
  it("a customer may resolve and close their own ticket", async () => {
    const t = await teamTicket({ status: "open" });
    const resolved = await ctx.http("PATCH", `/tickets/${t.id}`, { token: customerA.token, json: { status: "resolved" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe("resolved");
    const closed = await ctx.http("PATCH", `/tickets/${t.id}`, { token: customerA.token, json: { status: "closed" } });
    expect(closed.body.status).toBe("closed");
    expect((await eventsOf(t.id)).map((e) => e.actorId)).toEqual([customerA.user.id, customerA.user.id]);
  });

  it("403 for any other status or field", async () => {
    const t = await teamTicket({ status: "resolved" });
    for (const json of [{ status: "open" }, { priority: "urgent" }, { tags: ["x"] }, { subject: "mine" }, { customFields: { a: 1 } }]) {
      const res = await ctx.http("PATCH", `/tickets/${t.id}`, { token: customerA.token, json });
      expect(res.status, JSON.stringify(json)).toBe(403);
    }
    const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ status: "resolved", priority: "medium", tags: [], subject: t.subject });
  });

  it("404 for another customer's ticket, and for an agent outside the team", async () => {
    const t = await teamTicket();
    expect((await ctx.http("PATCH", `/tickets/${t.id}`, { token: customerB.token, json: { status: "closed" } })).status).toBe(404);
    expect((await ctx.http("PATCH", `/tickets/${t.id}`, { token: agentOut.token, json: { priority: "low" } })).status).toBe(404);
    const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ status: "new", priority: "medium" });
  });
});

describe("PATCH /tickets/{id}: bad input", () => {
  const cases: [string, unknown, string][] = [
    ["an empty patch", {}, "body"],
    ["an unknown field", { assigneeId: null }, "body"],
    ["an unknown status", { status: "done" }, "body.status"],
    ["an unknown priority", { priority: "p1" }, "body.priority"],
    ["an empty subject", { subject: "" }, "body.subject"],
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "body.tags"],
    ["customFields as a string", { customFields: "x" }, "body.customFields"],
  ];
  it.each(cases)("%s → 400", async (_name, json, field) => {
    const t = await teamTicket();
    const res = await ctx.http("PATCH", `/tickets/${t.id}`, { token: admin.token, json });
    expect(res.status).toBe(400);
    expect(badFields(res)).toContain(field);
  });
});
