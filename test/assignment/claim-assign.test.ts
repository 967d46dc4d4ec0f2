import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketEvents, tickets } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket, createUser } from "../harness/factories.js";

let ctx: TestContext;
type Signed = Awaited<ReturnType<typeof signedInUser>>;
let admin: Signed;
let alice: Signed;
let bob: Signed;
let outsider: Signed;
let customer: Signed;
let team: { id: string };
let otherTeam: { id: string };

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  alice = await signedInUser(ctx, "agent", { fullName: "Alice" });
  bob = await signedInUser(ctx, "agent", { fullName: "Bob" });
  outsider = await signedInUser(ctx, "agent", { fullName: "Olga Outsider" });
  customer = await signedInUser(ctx, "customer");
  team = await createTeam(ctx.database.db, { members: [alice.user.id, bob.user.id] });
  otherTeam = await createTeam(ctx.database.db, { members: [outsider.user.id] });
});
afterAll(() => ctx?.close());

const missingId = "00000000-0000-4000-8000-000000000000";
const ticketFor = (attrs: Partial<Parameters<typeof createTicket>[1]> = {}) =>
  createTicket(ctx.database.db, { customerId: customer.user.id, ...attrs });
const eventsOf = (ticketId: string) =>
  ctx.database.db
    .select({ kind: ticketEvents.kind, field: ticketEvents.field, from: ticketEvents.fromValue, to: ticketEvents.toValue, actorId: ticketEvents.actorId })
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.id));
const row = async (id: string) => (await ctx.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;

describe("POST /tickets/{id}/claim", () => {
  it("assigns the caller, moves new → open and records both events", async () => {
    const ticket = await ticketFor();
    const res = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ticket.id, number: ticket.number, assigneeId: alice.user.id, status: "open", teamId: null });
    expect(await eventsOf(ticket.id)).toEqual([
      { kind: "ticket.assigned", field: "assigneeId", from: null, to: alice.user.id, actorId: alice.user.id },
      { kind: "ticket.status_changed", field: "status", from: "new", to: "open", actorId: alice.user.id },
    ]);
  });

  it("leaves a pending ticket pending and keeps its team", async () => {
    const ticket = await ticketFor({ status: "pending", teamId: team.id });
    const res = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: bob.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "pending", teamId: team.id, assigneeId: bob.user.id });
    expect((await eventsOf(ticket.id)).map((e) => e.kind)).toEqual(["ticket.assigned"]);
  });

  it("admins may claim too", async () => {
    const ticket = await ticketFor({ teamId: otherTeam.id });
    const res = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.assigneeId).toBe(admin.user.id);
  });

  it("two agents racing for a team ticket: exactly one wins, the other gets 409", async () => {
    const ticket = await ticketFor({ teamId: team.id });
    const results = await Promise.all([
      ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: alice.token }),
      ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: bob.token }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body.assigneeId;
    expect(results.find((r) => r.status === 409)!.body.code).toBe("ALREADY_ASSIGNED");
    expect((await row(ticket.id)).assigneeId).toBe(winner);
    expect((await eventsOf(ticket.id)).filter((e) => e.kind === "ticket.assigned")).toHaveLength(1);
  });

  it("the loser of a race on a no-team ticket gets 409, not 404, though they can no longer see it", async () => {
    const ticket = await ticketFor();
    const agents = [alice, bob, outsider];
    const results = await Promise.all(agents.map((a) => ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: a.token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === "ALREADY_ASSIGNED")).toBe(true);
    const winner = agents[results.findIndex((r) => r.status === 200)]!;
    expect((await row(ticket.id)).assigneeId).toBe(winner.user.id);
  });

  it("409 when already assigned (to someone else or to you)", async () => {
    const ticket = await ticketFor({ teamId: team.id, assigneeId: bob.user.id, status: "open" });
    const other = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: alice.token });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: "ALREADY_ASSIGNED", detail: "another agent claimed this ticket first" });
    const mine = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: bob.token });
    expect(mine.status).toBe(409);
    expect(mine.body.detail).toBe("this ticket is already assigned to you");
  });

  it("409 for a resolved or closed ticket", async () => {
    const ticket = await ticketFor({ teamId: team.id, status: "resolved" });
    const res = await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: alice.token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
    expect((await row(ticket.id)).assigneeId).toBeNull();
  });

  it("404 for a ticket of another team (assigned or not) and for an unknown id", async () => {
    const foreign = await ticketFor({ teamId: otherTeam.id });
    const foreignTaken = await ticketFor({ teamId: otherTeam.id, assigneeId: outsider.user.id });
    for (const id of [foreign.id, foreignTaken.id, missingId]) {
      const res = await ctx.http("POST", `/tickets/${id}/claim`, { token: alice.token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("TICKET_NOT_FOUND");
    }
    expect((await row(foreign.id)).assigneeId).toBeNull();
  });

  it("400 for a malformed id", async () => {
    const res = await ctx.http("POST", "/tickets/123/claim", { token: alice.token });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("params.id");
  });

  it("403 for customers (even on their own ticket), 401 anonymous", async () => {
    const ticket = await ticketFor();
    expect((await ctx.http("POST", `/tickets/${ticket.id}/claim`, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("POST", `/tickets/${ticket.id}/claim`)).status).toBe(401);
    expect((await row(ticket.id)).assigneeId).toBeNull();
  });
});

describe("POST /tickets/{id}/assign", () => {
  it("sets assignee and team with one event per changed field", async () => {
    const ticket = await ticketFor();
    const res = await ctx.http("POST", `/tickets/${ticket.id}/assign`, {
      token: admin.token,
      json: { assigneeId: alice.user.id, teamId: team.id },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ assigneeId: alice.user.id, teamId: team.id, status: "new" });
    expect(await eventsOf(ticket.id)).toEqual([
      { kind: "ticket.assigned", field: "assigneeId", from: null, to: alice.user.id, actorId: admin.user.id },
      { kind: "ticket.team_changed", field: "teamId", from: null, to: team.id, actorId: admin.user.id },
    ]);

    // Unchanged fields write nothing; null clears.
    const again = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: { assigneeId: null, teamId: team.id } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ assigneeId: null, teamId: team.id });
    const events = await eventsOf(ticket.id);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ kind: "ticket.assigned", from: alice.user.id, to: null });
  });

  it("a no-op writes no event", async () => {
    const ticket = await ticketFor({ teamId: team.id });
    const res = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: { teamId: team.id } });
    expect(res.status).toBe(200);
    expect(await eventsOf(ticket.id)).toEqual([]);
  });

  it("400 naming body.assigneeId for a customer, an inactive agent or an unknown user", async () => {
    const ticket = await ticketFor();
    const inactive = await createUser(ctx.database.db, { role: "agent", isActive: false });
    for (const assigneeId of [customer.user.id, inactive.id, missingId]) {
      const res = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: { assigneeId } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: "body.assigneeId", message: "must be an active agent or admin" }]);
    }
    expect(await eventsOf(ticket.id)).toEqual([]);
  });

  it("400 naming body.teamId for an unknown team; 400 for an empty or malformed body", async () => {
    const ticket = await ticketFor();
    const res = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: { assigneeId: alice.user.id, teamId: missingId } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "body.teamId", message: "no such team" }]);
    expect((await row(ticket.id)).assigneeId).toBeNull();

    expect((await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: {} })).status).toBe(400);
    const bad = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token: admin.token, json: { assigneeId: "alice" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("body.assigneeId");
  });

  it("404 for an unknown ticket", async () => {
    const res = await ctx.http("POST", `/tickets/${missingId}/assign`, { token: admin.token, json: { assigneeId: alice.user.id } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("TICKET_NOT_FOUND");
  });

  it("403 for agents and customers", async () => {
    const ticket = await ticketFor({ teamId: team.id });
    for (const token of [alice.token, customer.token]) {
      const res = await ctx.http("POST", `/tickets/${ticket.id}/assign`, { token, json: { assigneeId: alice.user.id } });
      expect(res.status).toBe(403);
    }
    expect((await row(ticket.id)).assigneeId).toBeNull();
  });
});
