import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TICKET_PRIORITIES, TICKET_STATUSES, tickets } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket } from "../harness/factories.js";
import { badFields } from "./helpers.js";

let ctx: TestContext;
type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
type Ticket = Awaited<ReturnType<typeof createTicket>>;
let customerF: SignedIn, customerG: SignedIn, agentIn: SignedIn, agentOut: SignedIn, admin: SignedIn;
let teamId: string;
let t1: Ticket, t2: Ticket, t3: Ticket, t4: Ticket, t5: Ticket, g1: Ticket;
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

beforeAll(async () => {
  ctx = await createTestContext();
  [customerF, customerG, agentIn, agentOut, admin] = await Promise.all([
    signedInUser(ctx, "customer"),
    signedInUser(ctx, "customer"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "agent"),
    signedInUser(ctx, "admin"),
  ]);
  teamId = (await createTeam(ctx.database.db, { members: [agentIn.user.id] })).id;
  const db = ctx.database.db;
  const F = customerF.user.id;
  t1 = await createTicket(db, { customerId: F, subject: "Invoice 100% wrong", status: "new", priority: "low", tags: ["billing"], createdAt: daysAgo(5) });
  t2 = await createTicket(db, {
    customerId: F,
    subject: "Login_fails since 2024",
    status: "open",
    priority: "high",
    teamId,
    assigneeId: agentIn.user.id,
    tags: ["billing", "vip"],
    createdAt: daysAgo(4),
  });
  t3 = await createTicket(db, { customerId: F, subject: "Export broken", description: "The CSV exporter hangs", status: "pending", priority: "urgent", teamId, createdAt: daysAgo(3) });
  t4 = await createTicket(db, { customerId: F, subject: "Seen fine now", status: "resolved", priority: "medium", assigneeId: agentIn.user.id, createdAt: daysAgo(2) });
  t5 = await createTicket(db, { customerId: F, subject: "Please close", status: "closed", priority: "medium", createdAt: daysAgo(1) });
  g1 = await createTicket(db, { customerId: customerG.user.id, subject: "G's own" });
  await db.update(tickets).set({ needsHuman: true }).where(eq(tickets.id, t3.id));
  // t1 was touched last, so "updated" order differs from "created" order.
  await db.update(tickets).set({ updatedAt: new Date() }).where(eq(tickets.id, t1.id));
});
afterAll(() => ctx?.close());

async function list(token: string, query: Record<string, string>) {
  const res = await ctx.http("GET", `/tickets?${new URLSearchParams(query)}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: { id: string }[]; nextCursor: string | null };
}
const ids = (page: { data: { id: string }[] }) => page.data.map((t) => t.id);
/** F's tickets matching `query`, as the admin, as a set of ids. */
const idsOf = async (query: Record<string, string>, token = admin.token) =>
  new Set(ids(await list(token, { customerId: customerF.user.id, limit: "100", ...query })));
const set = (...ts: Ticket[]) => new Set(ts.map((t) => t.id));

describe("GET /tickets: who sees what", () => {
  it("customers see only their own tickets, and nothing when naming someone else", async () => {
    expect(ids(await list(customerG.token, {}))).toEqual([g1.id]);
    expect(ids(await list(customerG.token, { customerId: customerF.user.id }))).toEqual([]);
    expect(await idsOf({}, customerF.token)).toEqual(set(t1, t2, t3, t4, t5));
  });

  it("agents see their team's, their own and unassigned team-less tickets; not another team's", async () => {
    expect(await idsOf({}, agentIn.token)).toEqual(set(t1, t2, t3, t4, t5));
    expect(await idsOf({}, agentOut.token)).toEqual(set(t1, t5));
    expect(await idsOf({ teamId }, agentOut.token)).toEqual(new Set());
  });

  it("401 without a session", async () => {
    expect((await ctx.http("GET", "/tickets")).status).toBe(401);
  });
});

describe("GET /tickets: filters", () => {
  it("status: one or several", async () => {
    expect(await idsOf({ status: "new" })).toEqual(set(t1));
    expect(await idsOf({ status: "new,open" })).toEqual(set(t1, t2));
  });

  it("priority: one or several", async () => {
    expect(await idsOf({ priority: "medium" })).toEqual(set(t4, t5));
    expect(await idsOf({ priority: "high,urgent" })).toEqual(set(t2, t3));
  });

  it("teamId, customerId", async () => {
    expect(await idsOf({ teamId })).toEqual(set(t2, t3));
    expect(ids(await list(admin.token, { customerId: customerG.user.id }))).toEqual([g1.id]);
  });

  it("assigneeId: a uuid, none, me", async () => {
    expect(await idsOf({ assigneeId: agentIn.user.id })).toEqual(set(t2, t4));
    expect(await idsOf({ assigneeId: "none" })).toEqual(set(t1, t3, t5));
    expect(await idsOf({ assigneeId: "me" }, agentIn.token)).toEqual(set(t2, t4));
    expect(await idsOf({ assigneeId: "me" }, admin.token)).toEqual(new Set());
  });

  it("tag, case-insensitively", async () => {
    expect(await idsOf({ tag: "BILLING" })).toEqual(set(t1, t2));
    expect(await idsOf({ tag: "vip" })).toEqual(set(t2));
  });

  it("q searches subject and description, with % and _ taken literally", async () => {
    expect(await idsOf({ q: "csv EXPORTER" })).toEqual(set(t3));
    expect(await idsOf({ q: "export" })).toEqual(set(t3));
    expect(await idsOf({ q: "0%" })).toEqual(set(t1));
    expect(await idsOf({ q: "n_f" })).toEqual(set(t2));
  });

  it("createdFrom (inclusive) and createdTo (exclusive)", async () => {
    expect(await idsOf({ createdFrom: daysAgo(3.5).toISOString() })).toEqual(set(t3, t4, t5));
    expect(await idsOf({ createdTo: daysAgo(3.5).toISOString() })).toEqual(set(t1, t2));
    expect(await idsOf({ createdFrom: daysAgo(4.5).toISOString(), createdTo: daysAgo(1.5).toISOString() })).toEqual(set(t2, t3, t4));
    expect(await idsOf({ createdFrom: t2.createdAt.toISOString(), createdTo: t3.createdAt.toISOString() })).toEqual(set(t2));
  });

  it("needsHuman", async () => {
    expect(await idsOf({ needsHuman: "true" })).toEqual(set(t3));
    expect(await idsOf({ needsHuman: "false" })).toEqual(set(t1, t2, t4, t5));
  });

  it("filters combine", async () => {
    expect(await idsOf({ status: "open,pending", assigneeId: "none" })).toEqual(set(t3));
  });
});

describe("GET /tickets: sorting and keyset pages", () => {
  const rank = (values: readonly string[], v: string) => values.indexOf(v);
  const all = () => [t1, t2, t3, t4, t5];
  const keyOf: Record<string, (t: Ticket) => number> = {
    created: (t) => t.createdAt.getTime(),
    updated: (t) => (t.id === t1.id ? Number.MAX_SAFE_INTEGER : t.updatedAt.getTime()),
    priority: (t) => rank(TICKET_PRIORITIES, t.priority),
    status: (t) => rank(TICKET_STATUSES, t.status),
  };
  const expected = (sort: string, order: "asc" | "desc") => {
    const sorted = [...all()].sort((a, b) => keyOf[sort]!(a) - keyOf[sort]!(b) || (a.id < b.id ? -1 : 1));
    return (order === "asc" ? sorted : sorted.reverse()).map((t) => t.id);
  };

  it("defaults to newest first", async () => {
    expect(ids(await list(admin.token, { customerId: customerF.user.id }))).toEqual([t5, t4, t3, t2, t1].map((t) => t.id));
  });

  for (const sort of ["created", "updated", "priority", "status"]) {
    for (const order of ["asc", "desc"] as const) {
      it(`sort=${sort} order=${order}, in one page and in pages of 2`, async () => {
        const want = expected(sort, order);
        expect(ids(await list(admin.token, { customerId: customerF.user.id, sort, order, limit: "100" }))).toEqual(want);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await list(admin.token, { customerId: customerF.user.id, sort, order, limit: "2", ...(cursor ? { cursor } : {}) });
          seen.push(...ids(page));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(seen).toEqual(want);
        expect(pages).toBe(3);
      });
    }
  }

  it("the last page has no cursor", async () => {
    const page = await list(admin.token, { customerId: customerF.user.id, limit: "5" });
    expect(page.data).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
  });

  it("a cursor only works with the sort it came from", async () => {
    const page = await list(admin.token, { customerId: customerF.user.id, limit: "2", sort: "priority" });
    const res = await ctx.http("GET", `/tickets?sort=created&cursor=${page.nextCursor}`, { token: admin.token });
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["query.cursor"]);
  });
});

describe("GET /tickets: bad input", () => {
  const cases: [string, string][] = [
    ["status=done", "query.status"],
    ["status=new,done", "query.status"],
    ["priority=p1", "query.priority"],
    ["teamId=7", "query.teamId"],
    ["assigneeId=bob", "query.assigneeId"],
    ["customerId=x", "query.customerId"],
    ["createdFrom=yesterday", "query.createdFrom"],
    ["createdTo=2024-13-01", "query.createdTo"],
    ["createdFrom=2025-02-01T00:00:00Z&createdTo=2025-01-01T00:00:00Z", "query.createdTo"],
    ["sla=late", "query.sla"],
    ["needsHuman=maybe", "query.needsHuman"],
    ["sort=name", "query.sort"],
    ["order=up", "query.order"],
    ["limit=0", "query.limit"],
    ["limit=101", "query.limit"],
    ["cursor=not-a-cursor", "query.cursor"],
    [`cursor=${Buffer.from(JSON.stringify(["created", "desc", "x", "y"])).toString("base64url")}`, "query.cursor"],
    ["q=", "query.q"],
  ];
  it.each(cases)("%s → 400 naming %s", async (query, field) => {
    const res = await ctx.http("GET", `/tickets?${query}`, { token: admin.token });
    expect(res.status).toBe(400);
    expect(badFields(res).map((f) => f.replace(/\.\d+$/, ""))).toContain(field);
  });
});
