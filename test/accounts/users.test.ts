import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createUser } from "../harness/factories.js";

let ctx: TestContext;
let admin: { token: string; user: { id: string } };
beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
});
afterAll(() => ctx?.close());

describe("POST /users (admin creates accounts)", () => {
  it("creates an agent in teams who can then sign in", async () => {
    const team = await createTeam(ctx.database.db);
    const res = await ctx.http("POST", "/users", {
      token: admin.token,
      json: { email: "agent.new@example.test", fullName: "Agent New", role: "agent", password: "agent password 1", teamIds: [team.id] },
    });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe("agent");
    const login = await ctx.http("POST", "/auth/login", { json: { email: "agent.new@example.test", password: "agent password 1" } });
    expect(login.status).toBe(200);
    const me = await ctx.http("GET", "/me", { token: login.body.token });
    expect(me.body.teamIds).toEqual([team.id]);
  });

  it("400 for an unknown team, with nothing written", async () => {
    const res = await ctx.http("POST", "/users", {
      token: admin.token,
      json: { email: "ghost.team@example.test", fullName: "G", role: "agent", teamIds: ["00000000-0000-4000-8000-000000000000"] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("body.teamIds");
    const list = await ctx.http("GET", "/users?q=ghost.team", { token: admin.token });
    expect(list.body.data).toHaveLength(0);
  });

  it("400 for a bad role", async () => {
    const res = await ctx.http("POST", "/users", { token: admin.token, json: { email: "x@example.test", fullName: "X", role: "root" } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("body.role");
  });

  it("agents and customers may not create accounts", async () => {
    for (const role of ["agent", "customer"] as const) {
      const { token } = await signedInUser(ctx, role);
      const res = await ctx.http("POST", "/users", { token, json: { email: `by-${role}@example.test`, fullName: "X", role: "admin" } });
      expect(res.status).toBe(403);
    }
    expect((await ctx.http("POST", "/users", { json: { email: "anon@example.test", fullName: "X", role: "admin" } })).status).toBe(401);
  });
});

describe("deactivating a user", () => {
  it("ends their sessions at once", async () => {
    const { user, token } = await signedInUser(ctx, "agent");
    expect((await ctx.http("GET", "/me", { token })).status).toBe(200);
    const res = await ctx.http("PATCH", `/users/${user.id}`, { token: admin.token, json: { isActive: false } });
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    expect((await ctx.http("GET", "/me", { token })).status).toBe(401);
  });

  it("an admin cannot deactivate themselves", async () => {
    const res = await ctx.http("PATCH", `/users/${admin.user.id}`, { token: admin.token, json: { isActive: false } });
    expect(res.status).toBe(400);
  });

  it("404 for an unknown user", async () => {
    const res = await ctx.http("PATCH", "/users/00000000-0000-4000-8000-000000000000", { token: admin.token, json: { fullName: "x" } });
    expect(res.status).toBe(404);
  });
});

describe("GET /users and /users/{id}", () => {
  it("staff list users with filters and keyset pages", async () => {
    for (let i = 0; i < 5; i++) await createUser(ctx.database.db, { role: "customer", email: `pager-${i}@example.test` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/users?q=pager-&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await ctx.http("GET", url, { token: admin.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((u: { email: string }) => u.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    // Each exactly once. (Users made within the same clock tick tie on created_at and are
    // then ordered by id, so the creation order itself is not asserted.)
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `pager-${i}@example.test`));
  });

  it("400 for a forged cursor or a limit out of range", async () => {
    expect((await ctx.http("GET", "/users?cursor=garbage", { token: admin.token })).status).toBe(400);
    const res = await ctx.http("GET", "/users?limit=1000", { token: admin.token });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("query.limit");
  });

  it("customers cannot list users, nor see another customer by id", async () => {
    const a = await signedInUser(ctx, "customer");
    const b = await signedInUser(ctx, "customer");
    expect((await ctx.http("GET", "/users", { token: a.token })).status).toBe(403);
    expect((await ctx.http("GET", `/users/${b.user.id}`, { token: a.token })).status).toBe(404);
    expect((await ctx.http("GET", `/users/${a.user.id}`, { token: a.token })).status).toBe(200);
    // Staff are visible to customers (names on replies).
    expect((await ctx.http("GET", `/users/${admin.user.id}`, { token: a.token })).status).toBe(200);
  });
});

describe("identities", () => {
  it("are unique per kind and find the customer", async () => {
    const { token: agent } = await signedInUser(ctx, "agent");
    const customer = await createUser(ctx.database.db, { role: "customer" });
    const add = await ctx.http("POST", `/users/${customer.id}/identities`, { token: agent, json: { kind: "phone", value: "+1 (555) 010-2030" } });
    expect(add.status).toBe(201);
    expect(add.body.value).toBe("+15550102030");
    const found = await ctx.http("GET", `/users/lookup?kind=phone&value=${encodeURIComponent("+1 555 010 2030")}`, { token: agent });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(customer.id);

    const other = await createUser(ctx.database.db, { role: "customer" });
    const clash = await ctx.http("POST", `/users/${other.id}/identities`, { token: agent, json: { kind: "phone", value: "+15550102030" } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe("IDENTITY_TAKEN");
    // Same value, other kind: fine.
    expect((await ctx.http("POST", `/users/${other.id}/identities`, { token: agent, json: { kind: "whatsapp", value: "+15550102030" } })).status).toBe(201);
  });

  it("400 for an unknown kind; 404 for an unknown identity", async () => {
    const { token } = await signedInUser(ctx, "agent");
    expect((await ctx.http("GET", "/users/lookup?kind=fax&value=1", { token })).status).toBe(400);
    expect((await ctx.http("GET", "/users/lookup?kind=slack&value=U000", { token })).status).toBe(404);
  });

  it("customers cannot look up identities or add them to others", async () => {
    const a = await signedInUser(ctx, "customer");
    const b = await signedInUser(ctx, "customer");
    expect((await ctx.http("GET", "/users/lookup?kind=email&value=x@y.z", { token: a.token })).status).toBe(403);
    expect((await ctx.http("POST", `/users/${b.user.id}/identities`, { token: a.token, json: { kind: "slack", value: "U1" } })).status).toBe(404);
    expect((await ctx.http("POST", `/users/${a.user.id}/identities`, { token: a.token, json: { kind: "slack", value: "U1" } })).status).toBe(201);
  });
});
