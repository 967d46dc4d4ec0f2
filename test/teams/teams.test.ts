import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket, createUser } from "../harness/factories.js";

let ctx: TestContext;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let customer: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  agent = await signedInUser(ctx, "agent", { fullName: "Alice Agent" });
  customer = await signedInUser(ctx, "customer");
});
afterAll(() => ctx?.close());

describe("POST /teams", () => {
  it("creates a team with lower-cased, de-duplicated skills", async () => {
    const res = await ctx.http("POST", "/teams", {
      token: admin.token,
      json: { name: "  Billing ", description: "Refunds and invoices", skills: ["Refunds", "invoices", "REFUNDS "] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "Billing", description: "Refunds and invoices", skills: ["refunds", "invoices"], memberCount: 0 });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("409 TEAM_NAME_TAKEN for a name in use", async () => {
    await createTeam(ctx.database.db, { name: "Dupes" });
    const res = await ctx.http("POST", "/teams", { token: admin.token, json: { name: "Dupes" } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("TEAM_NAME_TAKEN");
  });

  it("400 naming each bad field", async () => {
    const res = await ctx.http("POST", "/teams", {
      token: admin.token,
      json: { name: "", skills: ["ok", "", "x".repeat(51)] },
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["body.name", "body.skills.1", "body.skills.2"]));
  });

  it("400 for more than 50 skills", async () => {
    const skills = Array.from({ length: 51 }, (_, i) => `s${i}`);
    const res = await ctx.http("POST", "/teams", { token: admin.token, json: { name: "Many skills", skills } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("body.skills");
  });

  it("403 for agents and customers, 401 anonymous", async () => {
    expect((await ctx.http("POST", "/teams", { token: agent.token, json: { name: "Nope" } })).status).toBe(403);
    expect((await ctx.http("POST", "/teams", { token: customer.token, json: { name: "Nope" } })).status).toBe(403);
    expect((await ctx.http("POST", "/teams", { json: { name: "Nope" } })).status).toBe(401);
  });
});

describe("GET /teams and /teams/{id}", () => {
  it("lists teams by name with member counts, for staff", async () => {
    const team = await createTeam(ctx.database.db, { name: "AAA first", members: [agent.user.id] });
    const res = await ctx.http("GET", "/teams", { token: agent.token });
    expect(res.status).toBe(200);
    const names = res.body.data.map((t: { name: string }) => t.name);
    expect(names).toEqual([...names].sort());
    expect(res.body.data[0]).toMatchObject({ id: team.id, name: "AAA first", memberCount: 1 });

    const one = await ctx.http("GET", `/teams/${team.id}`, { token: admin.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: team.id, name: "AAA first", memberCount: 1 });
  });

  it("404 unknown team, 400 bad id", async () => {
    expect((await ctx.http("GET", "/teams/00000000-0000-4000-8000-000000000000", { token: agent.token })).body.code).toBe("TEAM_NOT_FOUND");
    const bad = await ctx.http("GET", "/teams/not-a-uuid", { token: agent.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("params.id");
  });

  it("403 for customers", async () => {
    const team = await createTeam(ctx.database.db);
    expect((await ctx.http("GET", "/teams", { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", `/teams/${team.id}`, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", `/teams/${team.id}/members`, { token: customer.token })).status).toBe(403);
  });
});

describe("PATCH /teams/{id}", () => {
  it("updates fields", async () => {
    const team = await createTeam(ctx.database.db, { name: "Old name" });
    const res = await ctx.http("PATCH", `/teams/${team.id}`, { token: admin.token, json: { name: "New name", skills: ["API"] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "New name", skills: ["api"], description: "" });
  });

  it("409 when renamed to a taken name; 400 empty body; 404 unknown", async () => {
    const a = await createTeam(ctx.database.db, { name: "Taken A" });
    await createTeam(ctx.database.db, { name: "Taken B" });
    expect((await ctx.http("PATCH", `/teams/${a.id}`, { token: admin.token, json: { name: "Taken B" } })).body.code).toBe("TEAM_NAME_TAKEN");
    expect((await ctx.http("PATCH", `/teams/${a.id}`, { token: admin.token, json: {} })).status).toBe(400);
    const missing = await ctx.http("PATCH", "/teams/00000000-0000-4000-8000-000000000000", { token: admin.token, json: { name: "x" } });
    expect(missing.status).toBe(404);
  });

  it("403 for agents", async () => {
    const team = await createTeam(ctx.database.db);
    expect((await ctx.http("PATCH", `/teams/${team.id}`, { token: agent.token, json: { name: "Hijack" } })).status).toBe(403);
  });
});

describe("DELETE /teams/{id}", () => {
  it("deletes a team whose tickets are all resolved or closed; they lose the team", async () => {
    const team = await createTeam(ctx.database.db);
    const done = await createTicket(ctx.database.db, { customerId: customer.user.id, teamId: team.id, status: "closed" });
    const res = await ctx.http("DELETE", `/teams/${team.id}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect((await ctx.http("GET", `/teams/${team.id}`, { token: admin.token })).status).toBe(404);
    const [row] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, done.id));
    expect(row).toMatchObject({ status: "closed", teamId: null });
  });

  it("409 while open tickets belong to the team", async () => {
    const team = await createTeam(ctx.database.db);
    await createTicket(ctx.database.db, { customerId: customer.user.id, teamId: team.id, status: "pending" });
    const res = await ctx.http("DELETE", `/teams/${team.id}`, { token: admin.token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
    expect(res.body.detail).toContain("1 open ticket");
    expect((await ctx.http("GET", `/teams/${team.id}`, { token: admin.token })).status).toBe(200);
  });

  it("404 unknown, 403 agent", async () => {
    const team = await createTeam(ctx.database.db);
    expect((await ctx.http("DELETE", "/teams/00000000-0000-4000-8000-000000000000", { token: admin.token })).status).toBe(404);
    expect((await ctx.http("DELETE", `/teams/${team.id}`, { token: agent.token })).status).toBe(403);
  });
});

describe("team members", () => {
  it("PUT adds a member (with or without skills), GET lists them, DELETE removes", async () => {
    const team = await createTeam(ctx.database.db);
    const bob = await createUser(ctx.database.db, { role: "agent", fullName: "Bob Agent" });

    const added = await ctx.http("PUT", `/teams/${team.id}/members/${agent.user.id}`, { token: admin.token });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ userId: agent.user.id, fullName: "Alice Agent", role: "agent", skills: [] });

    const withSkills = await ctx.http("PUT", `/teams/${team.id}/members/${bob.id}`, { token: admin.token, json: { skills: ["Refunds", "VAT"] } });
    expect(withSkills.status).toBe(200);
    expect(withSkills.body.skills).toEqual(["refunds", "vat"]);

    // Idempotent: again without a body keeps skills; with a body replaces them.
    expect((await ctx.http("PUT", `/teams/${team.id}/members/${bob.id}`, { token: admin.token })).body.skills).toEqual(["refunds", "vat"]);
    expect((await ctx.http("PUT", `/teams/${team.id}/members/${bob.id}`, { token: admin.token, json: { skills: ["api"] } })).body.skills).toEqual(["api"]);

    const list = await ctx.http("GET", `/teams/${team.id}/members`, { token: agent.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { fullName: string; skills: string[] }) => [m.fullName, m.skills])).toEqual([
      ["Alice Agent", []],
      ["Bob Agent", ["api"]],
    ]);
    expect((await ctx.http("GET", `/teams/${team.id}`, { token: agent.token })).body.memberCount).toBe(2);

    expect((await ctx.http("DELETE", `/teams/${team.id}/members/${bob.id}`, { token: admin.token })).status).toBe(204);
    expect((await ctx.http("DELETE", `/teams/${team.id}/members/${bob.id}`, { token: admin.token })).status).toBe(404);
    const after = await ctx.http("GET", `/teams/${team.id}/members`, { token: admin.token });
    expect(after.body.data.map((m: { userId: string }) => m.userId)).toEqual([agent.user.id]);
  });

  it("400 naming params.userId for customers, inactive agents and unknown users", async () => {
    const team = await createTeam(ctx.database.db);
    const inactive = await createUser(ctx.database.db, { role: "agent", isActive: false });
    for (const userId of [customer.user.id, inactive.id, "00000000-0000-4000-8000-000000000000"]) {
      const res = await ctx.http("PUT", `/teams/${team.id}/members/${userId}`, { token: admin.token });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: "params.userId", message: "must be an active agent or admin" }]);
    }
  });

  it("400 for bad skills or bad ids, 404 for an unknown team", async () => {
    const team = await createTeam(ctx.database.db);
    const res = await ctx.http("PUT", `/teams/${team.id}/members/${agent.user.id}`, { token: admin.token, json: { skills: [""] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("body.skills.0");
    expect((await ctx.http("PUT", `/teams/${team.id}/members/nope`, { token: admin.token })).body.errors[0].field).toBe("params.userId");
    const unknown = await ctx.http("PUT", `/teams/00000000-0000-4000-8000-000000000000/members/${agent.user.id}`, { token: admin.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("TEAM_NOT_FOUND");
  });

  it("403 for agents changing membership", async () => {
    const team = await createTeam(ctx.database.db);
    expect((await ctx.http("PUT", `/teams/${team.id}/members/${agent.user.id}`, { token: agent.token })).status).toBe(403);
    expect((await ctx.http("DELETE", `/teams/${team.id}/members/${agent.user.id}`, { token: agent.token })).status).toBe(403);
  });
});

describe("OpenAPI", () => {
  it("documents the team, routing, assignment, audit and report routes", async () => {
    const res = await ctx.http("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/teams",
        "/teams/{id}",
        "/teams/{id}/members",
        "/teams/{id}/members/{userId}",
        "/routing-rules",
        "/routing-rules/{id}",
        "/routing-rules/test",
        "/tickets/{id}/claim",
        "/tickets/{id}/assign",
        "/queue",
        "/workload",
        "/audit",
        "/tickets/{id}/events",
        "/reports/agents",
      ]),
    );
  });
});
