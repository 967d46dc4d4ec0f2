import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiFeedback, ticketEvents, tickets, type TicketStatus } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket, createUser } from "../harness/factories.js";
import { badFields } from "./helpers.js";

let ctx: TestContext;
type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
let customer: SignedIn, agentIn: SignedIn, agentOut: SignedIn, admin: SignedIn;
let teamId: string, otherTeamId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  [customer, agentIn, agentOut, admin] = await Promise.all([
    signedInUser(ctx, "customer"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "admin"),
  ]);
  teamId = (await createTeam(ctx.database.db, { members: [agentIn.user.id] })).id;
  otherTeamId = (await createTeam(ctx.database.db)).id;
});
afterAll(() => ctx?.close());

const make = (attrs: { status?: TicketStatus; tags?: string[]; teamId?: string | null } = {}) =>
  createTicket(ctx.database.db, { customerId: customer.user.id, teamId, ...attrs });
const load = (ids: string[]) => ctx.database.db.select().from(tickets).where(inArray(tickets.id, ids));
const bulk = (token: string, json: unknown) => ctx.http("POST", "/tickets/bulk", { token, json });

describe("POST /tickets/bulk", () => {
  it("applies status, assignee, team and tag changes to every ticket, with events per ticket per field", async () => {
    const a = await make({ tags: ["billing", "old"] });
    const b = await make({ status: "open", tags: [] });
    const res = await bulk(agentIn.token, {
      ticketIds: [a.id, b.id],
      patch: { status: "pending", assigneeId: agentIn.user.id, addTags: ["Urgent", "billing"], removeTags: ["OLD"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([a.id, b.id]);
    expect(res.body.data[0]).toMatchObject({ status: "pending", assigneeId: agentIn.user.id, tags: ["billing", "urgent"] });
    expect(res.body.data[1]).toMatchObject({ status: "pending", assigneeId: agentIn.user.id, tags: ["urgent", "billing"] });
    const events = await ctx.database.db.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, [a.id, b.id]));
    const kinds = (id: string) => events.filter((e) => e.ticketId === id).map((e) => e.kind).sort();
    expect(kinds(a.id)).toEqual(["ticket.assigned", "ticket.status_changed", "ticket.tags_changed"]);
    expect(kinds(b.id)).toEqual(["ticket.assigned", "ticket.status_changed", "ticket.tags_changed"]);
  });

  it("unassigns, and admins move tickets to another team (an override of triage's team)", async () => {
    const a = await make();
    await ctx.database.db.update(tickets).set({ assigneeId: agentIn.user.id, metadata: { ai: { teamId } } }).where(eq(tickets.id, a.id));
    const unassigned = await bulk(agentIn.token, { ticketIds: [a.id], patch: { assigneeId: null } });
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.data[0]).toMatchObject({ assigneeId: null, teamId });
    const moved = await bulk(admin.token, { ticketIds: [a.id], patch: { teamId: otherTeamId } });
    expect(moved.status).toBe(200);
    expect(moved.body.data[0]).toMatchObject({ assigneeId: null, teamId: otherTeamId });
    // Triage had chosen `teamId`: the move is training signal.
    const feedback = await ctx.database.db.select().from(aiFeedback).where(eq(aiFeedback.ticketId, a.id));
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ kind: "override", field: "team", aiValue: teamId, humanValue: otherTeamId, actorId: admin.user.id });
  });

  it("an agent hands a ticket to a team they are not in; it then leaves their sight", async () => {
    const a = await make();
    const res = await bulk(agentIn.token, { ticketIds: [a.id], patch: { teamId: otherTeamId } });
    expect(res.status).toBe(200);
    expect((await load([a.id]))[0]!.teamId).toBe(otherTeamId);
    const events = await ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, a.id));
    expect(events.map((e) => e.actorId)).toEqual([agentIn.user.id]);
    expect((await ctx.http("GET", `/tickets/${a.id}`, { token: agentIn.token })).status).toBe(404);
  });

  it("is all or nothing: one invisible ticket → 404 naming it, nothing changed", async () => {
    const mine = await make();
    const hidden = await make({ teamId: otherTeamId });
    const res = await bulk(agentIn.token, { ticketIds: [mine.id, hidden.id], patch: { status: "open" } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("TICKET_NOT_FOUND");
    expect(res.body.detail).toContain(hidden.id);
    expect(res.body.errors).toEqual([{ field: "body.ticketIds.1", message: "not found" }]);
    expect((await load([mine.id, hidden.id])).map((t) => t.status)).toEqual(["new", "new"]);
  });

  it("is all or nothing: one forbidden transition → 409 naming it, nothing changed", async () => {
    const fine = await make();
    const closed = await make({ status: "closed" });
    const res = await bulk(admin.token, { ticketIds: [fine.id, closed.id], patch: { status: "open", addTags: ["x"] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("INVALID_TRANSITION");
    expect(res.body.detail).toContain(closed.id);
    const rows = new Map((await load([fine.id, closed.id])).map((t) => [t.id, t]));
    expect(rows.get(fine.id)).toMatchObject({ status: "new", tags: [] });
    expect(rows.get(closed.id)).toMatchObject({ status: "closed", tags: [] });
    expect(await ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, fine.id))).toHaveLength(0);
  });

  it("400 when the assignee is not an active agent or admin, or the team does not exist", async () => {
    const t = await make();
    const inactive = await createUser(ctx.database.db, { role: "agent", isActive: false });
    for (const assigneeId of [customer.user.id, inactive.id, crypto.randomUUID()]) {
      const res = await bulk(admin.token, { ticketIds: [t.id], patch: { assigneeId } });
      expect(res.status).toBe(400);
      expect(badFields(res)).toEqual(["body.patch.assigneeId"]);
    }
    const noTeam = await bulk(admin.token, { ticketIds: [t.id], patch: { teamId: crypto.randomUUID() } });
    expect(noTeam.status).toBe(400);
    expect(badFields(noTeam)).toEqual(["body.patch.teamId"]);
    expect((await load([t.id]))[0]).toMatchObject({ assigneeId: null, teamId });
  });

  it("400 when tags would exceed 20 on a ticket", async () => {
    const t = await make({ tags: Array.from({ length: 19 }, (_, i) => `t${i}`) });
    const res = await bulk(admin.token, { ticketIds: [t.id], patch: { addTags: ["a", "b"] } });
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["body.patch.addTags"]);
  });

  const badCases: [string, unknown, string][] = [
    ["no ids", { ticketIds: [], patch: { status: "open" } }, "body.ticketIds"],
    ["101 ids", { ticketIds: Array.from({ length: 101 }, () => crypto.randomUUID()), patch: { status: "open" } }, "body.ticketIds"],
    ["a repeated id", { ticketIds: ["6f1c7a4e-1111-4c1c-8c1c-111111111111", "6f1c7a4e-1111-4c1c-8c1c-111111111111"], patch: { status: "open" } }, "body.ticketIds"],
    ["an id that is not a uuid", { ticketIds: ["42"], patch: { status: "open" } }, "body.ticketIds.0"],
    ["an empty patch", { ticketIds: [crypto.randomUUID()], patch: {} }, "body.patch"],
    ["an unknown patch field", { ticketIds: [crypto.randomUUID()], patch: { priority: "high" } }, "body.patch"],
    ["an unknown status", { ticketIds: [crypto.randomUUID()], patch: { status: "done" } }, "body.patch.status"],
    ["an assignee that is not a uuid", { ticketIds: [crypto.randomUUID()], patch: { assigneeId: "bob" } }, "body.patch.assigneeId"],
  ];
  it.each(badCases)("%s → 400", async (_name, json, field) => {
    const res = await bulk(admin.token, json);
    expect(res.status).toBe(400);
    expect(badFields(res)).toContain(field);
  });

  it("customers may not bulk update, not even their own tickets", async () => {
    const t = await make();
    const res = await bulk(customer.token, { ticketIds: [t.id], patch: { status: "closed" } });
    expect(res.status).toBe(403);
    expect((await load([t.id]))[0]!.status).toBe("new");
  });

  it("needs a session", async () => {
    expect((await ctx.http("POST", "/tickets/bulk", { json: { ticketIds: [crypto.randomUUID()], patch: { status: "open" } } })).status).toBe(401);
  });

  it("an agent outside the team cannot touch the team's tickets", async () => {
    const t = await make();
    const res = await bulk(agentOut.token, { ticketIds: [t.id], patch: { assigneeId: agentOut.user.id } });
    expect(res.status).toBe(404);
    expect((await load([t.id]))[0]!.assigneeId).toBeNull();
  });
});
