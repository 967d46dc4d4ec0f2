import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TicketPriority, TicketStatus } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket, createUser } from "../harness/factories.js";

let ctx: TestContext;
type Signed = Awaited<ReturnType<typeof signedInUser>>;
let admin: Signed;
let alice: Signed;
let bob: Signed;
let customer: Signed;
let ids: { carl: string; dora: string; billing: string; tech: string };
const t: Record<string, { id: string; number: number }> = {};

// A small fixture whose every count is known (see the expectations below).
beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  admin = await signedInUser(ctx, "admin", { fullName: "Ada Admin" });
  alice = await signedInUser(ctx, "agent", { fullName: "Alice" });
  bob = await signedInUser(ctx, "agent", { fullName: "Bob" });
  customer = await signedInUser(ctx, "customer");
  const carl = await createUser(db, { role: "agent", fullName: "Carl" });
  const dora = await createUser(db, { role: "agent", fullName: "Dora", isActive: false });
  await createUser(db, { role: "agent", fullName: "Eve (inactive, idle)", isActive: false });
  const billing = await createTeam(db, { name: "Billing", members: [alice.user.id, bob.user.id] });
  const tech = await createTeam(db, { name: "Tech", members: [bob.user.id] });
  ids = { carl: carl.id, dora: dora.id, billing: billing.id, tech: tech.id };

  const base = Date.parse("2025-03-01T09:00:00Z");
  const rows: [string, string | null, string | null, TicketStatus, TicketPriority][] = [
    ["t1", billing.id, alice.user.id, "open", "urgent"],
    ["t2", billing.id, alice.user.id, "pending", "high"],
    ["t3", billing.id, alice.user.id, "resolved", "urgent"],
    ["t4", billing.id, null, "new", "medium"],
    ["t5", tech.id, bob.user.id, "new", "high"],
    ["t6", tech.id, null, "pending", "urgent"],
    ["t7", null, null, "new", "low"],
    ["t8", null, carl.id, "open", "medium"],
    ["t9", null, dora.id, "open", "urgent"],
    ["t10", null, null, "closed", "medium"],
  ];
  for (const [i, [key, teamId, assigneeId, status, priority]] of rows.entries()) {
    t[key] = await createTicket(db, {
      customerId: customer.user.id,
      teamId,
      assigneeId,
      status,
      priority,
      // Created in reverse order of their keys, so "oldest first" is not insertion order.
      createdAt: new Date(base - i * 60_000),
    });
  }
});
afterAll(() => ctx?.close());

const numbers = (res: { body: { data: { number: number }[] } }) => res.body.data.map((x) => x.number);

describe("GET /queue", () => {
  it("lists unassigned, unresolved tickets the agent can see, oldest first", async () => {
    const res = await ctx.http("GET", "/queue", { token: alice.token });
    expect(res.status).toBe(200);
    expect(numbers(res)).toEqual([t.t7!.number, t.t4!.number]);
    expect(res.body.data[0]).toMatchObject({ id: t.t7!.id, status: "new", priority: "low", assigneeId: null, teamId: null });
    expect(res.body.nextCursor).toBeNull();

    expect(numbers(await ctx.http("GET", "/queue", { token: bob.token }))).toEqual([t.t7!.number, t.t6!.number, t.t4!.number]);
    expect(numbers(await ctx.http("GET", "/queue", { token: admin.token }))).toEqual([t.t7!.number, t.t6!.number, t.t4!.number]);
  });

  it("pages with a keyset cursor", async () => {
    const first = await ctx.http("GET", "/queue?limit=2", { token: admin.token });
    expect(numbers(first)).toEqual([t.t7!.number, t.t6!.number]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await ctx.http("GET", `/queue?limit=2&cursor=${first.body.nextCursor}`, { token: admin.token });
    expect(numbers(second)).toEqual([t.t4!.number]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("400 for a bad limit or cursor", async () => {
    const limit = await ctx.http("GET", "/queue?limit=0", { token: alice.token });
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].field).toBe("query.limit");
    const cursor = await ctx.http("GET", "/queue?cursor=garbage", { token: alice.token });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].field).toBe("query.cursor");
  });

  it("403 for customers, 401 anonymous", async () => {
    expect((await ctx.http("GET", "/queue", { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", "/queue")).status).toBe(401);
  });
});

describe("GET /workload", () => {
  const zero = { open: 0, pending: 0, urgent: 0, high: 0 };

  it("counts every unresolved ticket for admins, per agent, per team and without a team", async () => {
    const res = await ctx.http("GET", "/workload", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.agents).toEqual([
      { id: alice.user.id, fullName: "Alice", role: "agent", isActive: true, open: 2, pending: 1, urgent: 1, high: 1 },
      { id: bob.user.id, fullName: "Bob", role: "agent", isActive: true, open: 1, pending: 0, urgent: 0, high: 1 },
      { id: ids.carl, fullName: "Carl", role: "agent", isActive: true, open: 1, pending: 0, urgent: 0, high: 0 },
      // Deactivated but still holding a ticket: listed so it can be handed on. Eve holds none.
      { id: ids.dora, fullName: "Dora", role: "agent", isActive: false, open: 1, pending: 0, urgent: 1, high: 0 },
      { id: admin.user.id, fullName: "Ada Admin", role: "admin", isActive: true, ...zero },
    ]);
    expect(res.body.teams).toEqual([
      { id: ids.billing, name: "Billing", members: 2, open: 3, pending: 1, urgent: 1, high: 1, unassigned: 1 },
      { id: ids.tech, name: "Tech", members: 1, open: 2, pending: 1, urgent: 1, high: 1, unassigned: 1 },
    ]);
    expect(res.body.noTeam).toEqual({ open: 3, pending: 0, urgent: 1, high: 0, unassigned: 1 });
  });

  it("counts only the tickets an agent can see", async () => {
    const res = await ctx.http("GET", "/workload", { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.agents).toEqual([
      { id: alice.user.id, fullName: "Alice", role: "agent", isActive: true, open: 2, pending: 1, urgent: 1, high: 1 },
      { id: admin.user.id, fullName: "Ada Admin", role: "admin", isActive: true, ...zero },
      { id: bob.user.id, fullName: "Bob", role: "agent", isActive: true, ...zero },
      { id: ids.carl, fullName: "Carl", role: "agent", isActive: true, ...zero },
    ]);
    expect(res.body.teams).toEqual([
      { id: ids.billing, name: "Billing", members: 2, open: 3, pending: 1, urgent: 1, high: 1, unassigned: 1 },
      { id: ids.tech, name: "Tech", members: 1, ...zero, unassigned: 0 },
    ]);
    expect(res.body.noTeam).toEqual({ open: 1, pending: 0, urgent: 0, high: 0, unassigned: 1 });
  });

  it("403 for customers, 401 anonymous", async () => {
    expect((await ctx.http("GET", "/workload", { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", "/workload")).status).toBe(401);
  });
});
