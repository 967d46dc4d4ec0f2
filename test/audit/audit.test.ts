import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketEvents } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket } from "../harness/factories.js";

let ctx: TestContext;
type Signed = Awaited<ReturnType<typeof signedInUser>>;
let admin: Signed;
let alice: Signed;
let outsider: Signed;
let customer: Signed;
let t1: { id: string; number: number };
let t2: { id: string; number: number };
const ev: Record<string, number> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  admin = await signedInUser(ctx, "admin", { fullName: "Ada Admin" });
  alice = await signedInUser(ctx, "agent", { fullName: "Alice" });
  outsider = await signedInUser(ctx, "agent", { fullName: "Olga" });
  customer = await signedInUser(ctx, "customer", { fullName: "Cora Customer" });
  const team = await createTeam(db, { members: [alice.user.id] });
  await createTeam(db, { members: [outsider.user.id] });
  t1 = await createTicket(db, { customerId: customer.user.id, teamId: team.id });
  t2 = await createTicket(db, { customerId: customer.user.id, teamId: team.id });

  const insert = async (key: string, values: Omit<typeof ticketEvents.$inferInsert, "id">) => {
    const [row] = await db.insert(ticketEvents).values(values).returning({ id: ticketEvents.id });
    ev[key] = row!.id;
  };
  await insert("created", { ticketId: t1.id, actorId: customer.user.id, kind: "ticket.created", createdAt: new Date("2025-01-01T10:00:00Z") });
  await insert("priority", {
    ticketId: t1.id,
    actorType: "system",
    kind: "ticket.priority_changed",
    field: "priority",
    fromValue: "medium",
    toValue: "urgent",
    createdAt: new Date("2025-01-02T10:00:00Z"),
  });
  await insert("note", { ticketId: t1.id, actorId: alice.user.id, kind: "message.internal_note", isInternal: true, createdAt: new Date("2025-01-03T10:00:00Z") });
  await insert("assigned", {
    ticketId: t2.id,
    actorId: admin.user.id,
    kind: "ticket.assigned",
    field: "assigneeId",
    fromValue: null,
    toValue: alice.user.id,
    createdAt: new Date("2025-01-04T10:00:00Z"),
  });
});
afterAll(() => ctx?.close());

const kinds = (res: { body: { data: { kind: string }[] } }) => res.body.data.map((e) => e.kind);

describe("GET /audit", () => {
  it("lists events across tickets, newest first, with ticket number and actor name", async () => {
    const res = await ctx.http("GET", "/audit", { token: admin.token });
    expect(res.status).toBe(200);
    expect(kinds(res)).toEqual(["ticket.assigned", "message.internal_note", "ticket.priority_changed", "ticket.created"]);
    expect(res.body.data[0]).toEqual({
      id: ev.assigned,
      ticketId: t2.id,
      ticketNumber: t2.number,
      actorId: admin.user.id,
      actorName: "Ada Admin",
      actorType: "user",
      kind: "ticket.assigned",
      field: "assigneeId",
      from: null,
      to: alice.user.id,
      isInternal: false,
      createdAt: "2025-01-04T10:00:00.000Z",
    });
    expect(res.body.data[2]).toMatchObject({ actorId: null, actorName: null, actorType: "system", from: "medium", to: "urgent" });
    expect(res.body.data[1]).toMatchObject({ isInternal: true, actorName: "Alice" });
    expect(res.body.nextCursor).toBeNull();
  });

  it("filters by ticket, actor, kind and time range (from inclusive, to exclusive)", async () => {
    expect(kinds(await ctx.http("GET", `/audit?ticketId=${t2.id}`, { token: admin.token }))).toEqual(["ticket.assigned"]);
    expect(kinds(await ctx.http("GET", `/audit?actorId=${alice.user.id}`, { token: admin.token }))).toEqual(["message.internal_note"]);
    expect(kinds(await ctx.http("GET", "/audit?kind=ticket.created", { token: admin.token }))).toEqual(["ticket.created"]);
    const range = await ctx.http("GET", "/audit?from=2025-01-02T10:00:00Z&to=2025-01-04T10:00:00Z", { token: admin.token });
    expect(kinds(range)).toEqual(["message.internal_note", "ticket.priority_changed"]);
    expect(kinds(await ctx.http("GET", "/audit?from=2025-01-03", { token: admin.token }))).toEqual(["ticket.assigned", "message.internal_note"]);
    expect(kinds(await ctx.http("GET", `/audit?ticketId=${t1.id}&kind=ticket.assigned`, { token: admin.token }))).toEqual([]);
  });

  it("pages by event id", async () => {
    const first = await ctx.http("GET", "/audit?limit=3", { token: admin.token });
    expect(first.body.data.map((e: { id: number }) => e.id)).toEqual([ev.assigned, ev.note, ev.priority]);
    const second = await ctx.http("GET", `/audit?limit=3&cursor=${first.body.nextCursor}`, { token: admin.token });
    expect(second.body.data.map((e: { id: number }) => e.id)).toEqual([ev.created]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("400 naming the bad query field", async () => {
    const order = await ctx.http("GET", "/audit?from=2025-01-05&to=2025-01-01", { token: admin.token });
    expect(order.status).toBe(400);
    expect(order.body.errors).toEqual([{ field: "query.to", message: "must be after from" }]);
    const cases: [string, string][] = [
      ["/audit?from=yesterday", "query.from"],
      ["/audit?ticketId=42", "query.ticketId"],
      ["/audit?limit=101", "query.limit"],
      ["/audit?cursor=abc", "query.cursor"],
      [`/audit?cursor=${Buffer.from(JSON.stringify(["x"])).toString("base64url")}`, "query.cursor"],
    ];
    for (const [path, field] of cases) {
      const res = await ctx.http("GET", path, { token: admin.token });
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0].field, path).toBe(field);
    }
  });

  it("403 for agents and customers, 401 anonymous", async () => {
    expect((await ctx.http("GET", "/audit", { token: alice.token })).status).toBe(403);
    expect((await ctx.http("GET", "/audit", { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", "/audit")).status).toBe(401);
  });
});

describe("GET /tickets/{id}/events", () => {
  it("returns one ticket's trail oldest first, internal events included, for staff who see it", async () => {
    const res = await ctx.http("GET", `/tickets/${t1.id}/events`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { id: number }) => e.id)).toEqual([ev.created, ev.priority, ev.note]);
    expect(res.body.data[0]).toMatchObject({ ticketNumber: t1.number, actorName: "Cora Customer", kind: "ticket.created" });
    expect((await ctx.http("GET", `/tickets/${t1.id}/events`, { token: admin.token })).body.data).toHaveLength(3);
  });

  it("pages by id", async () => {
    const first = await ctx.http("GET", `/tickets/${t1.id}/events?limit=2`, { token: admin.token });
    expect(first.body.data.map((e: { id: number }) => e.id)).toEqual([ev.created, ev.priority]);
    const second = await ctx.http("GET", `/tickets/${t1.id}/events?limit=2&cursor=${first.body.nextCursor}`, { token: admin.token });
    expect(second.body.data.map((e: { id: number }) => e.id)).toEqual([ev.note]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("404 for agents who cannot see the ticket, for customers (even their own) and for unknown ids", async () => {
    for (const [token, id] of [
      [outsider.token, t1.id],
      [customer.token, t1.id],
      [admin.token, "00000000-0000-4000-8000-000000000000"],
    ] as const) {
      const res = await ctx.http("GET", `/tickets/${id}/events`, { token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("TICKET_NOT_FOUND");
    }
  });

  it("400 for a malformed id or limit, 401 anonymous", async () => {
    expect((await ctx.http("GET", "/tickets/nope/events", { token: admin.token })).body.errors[0].field).toBe("params.id");
    expect((await ctx.http("GET", `/tickets/${t1.id}/events?limit=-1`, { token: admin.token })).body.errors[0].field).toBe("query.limit");
    expect((await ctx.http("GET", `/tickets/${t1.id}/events`)).status).toBe(401);
  });
});
