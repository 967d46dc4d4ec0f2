import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam } from "../harness/factories.js";

let ctx: TestContext;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let customer: Awaited<ReturnType<typeof signedInUser>>;
let billing: { id: string };
let tech: { id: string };

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  agent = await signedInUser(ctx, "agent");
  customer = await signedInUser(ctx, "customer");
  billing = await createTeam(ctx.database.db, { name: "Billing" });
  tech = await createTeam(ctx.database.db, { name: "Technical" });
});
afterAll(() => ctx?.close());

const missingId = "00000000-0000-4000-8000-000000000000";

describe("routing rule CRUD", () => {
  it("creates rules (lower-cased keywords and tags, appended after the last one) and lists them by position", async () => {
    const first = await ctx.http("POST", "/routing-rules", {
      token: admin.token,
      json: { name: "Outages", keywords: ["Down", "500 Error", "down"], teamId: tech.id, priority: "urgent" },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      name: "Outages",
      position: 0,
      isActive: true,
      keywords: ["down", "500 error"],
      tags: [],
      channel: null,
      teamId: tech.id,
      priority: "urgent",
    });
    const second = await ctx.http("POST", "/routing-rules", {
      token: admin.token,
      json: { name: "Billing", keywords: ["refund", "invoice"], tags: ["VIP"], teamId: billing.id },
    });
    expect(second.body).toMatchObject({ position: 1, tags: ["vip"], priority: null });
    const early = await ctx.http("POST", "/routing-rules", {
      token: admin.token,
      json: { name: "API priority", channel: "api", priority: "high", position: 0, isActive: false },
    });
    expect(early.status).toBe(201);

    const list = await ctx.http("GET", "/routing-rules", { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { name: string; position: number }) => [r.name, r.position])).toEqual([
      ["Outages", 0],
      ["API priority", 0],
      ["Billing", 1],
    ]);

    const one = await ctx.http("GET", `/routing-rules/${second.body.id}`, { token: admin.token });
    expect(one.status).toBe(200);
    expect(one.body.name).toBe("Billing");
  });

  it("400 naming body.teamId when the rule sets neither team nor priority, or the team does not exist", async () => {
    const none = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Nothing", keywords: ["x"] } });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: "body.teamId", message: "a rule must set a team, a priority or both" }]);
    const ghost = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Ghost", teamId: missingId } });
    expect(ghost.status).toBe(400);
    expect(ghost.body.errors).toEqual([{ field: "body.teamId", message: "no such team" }]);
  });

  it("400 naming each malformed field", async () => {
    const res = await ctx.http("POST", "/routing-rules", {
      token: admin.token,
      json: { name: "", keywords: Array.from({ length: 51 }, (_, i) => `k${i}`), channel: "fax", priority: "asap", position: -1 },
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(["body.channel", "body.keywords", "body.name", "body.position", "body.priority"]);
  });

  it("PATCH updates a rule and re-checks the action against the result", async () => {
    const created = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Patch me", teamId: billing.id } });
    const id = created.body.id;
    const res = await ctx.http("PATCH", `/routing-rules/${id}`, {
      token: admin.token,
      json: { priority: "low", teamId: null, keywords: ["Refund"], isActive: false, channel: "email" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ teamId: null, priority: "low", keywords: ["refund"], isActive: false, channel: "email" });

    const cleared = await ctx.http("PATCH", `/routing-rules/${id}`, { token: admin.token, json: { priority: null } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.errors[0].field).toBe("body.teamId");
    expect((await ctx.http("PATCH", `/routing-rules/${id}`, { token: admin.token, json: {} })).status).toBe(400);
    expect((await ctx.http("PATCH", `/routing-rules/${missingId}`, { token: admin.token, json: { name: "x" } })).status).toBe(404);
  });

  it("DELETE removes a rule; 404 afterwards", async () => {
    const created = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Short-lived", priority: "low" } });
    expect((await ctx.http("DELETE", `/routing-rules/${created.body.id}`, { token: admin.token })).status).toBe(204);
    expect((await ctx.http("GET", `/routing-rules/${created.body.id}`, { token: admin.token })).status).toBe(404);
    expect((await ctx.http("DELETE", `/routing-rules/${created.body.id}`, { token: admin.token })).status).toBe(404);
  });

  it("403 for agents and customers on every verb", async () => {
    const created = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Guarded", priority: "low", isActive: false } });
    for (const token of [agent.token, customer.token]) {
      expect((await ctx.http("GET", "/routing-rules", { token })).status).toBe(403);
      expect((await ctx.http("GET", `/routing-rules/${created.body.id}`, { token })).status).toBe(403);
      expect((await ctx.http("POST", "/routing-rules", { token, json: { name: "x", priority: "low" } })).status).toBe(403);
      expect((await ctx.http("PATCH", `/routing-rules/${created.body.id}`, { token, json: { name: "x" } })).status).toBe(403);
      expect((await ctx.http("DELETE", `/routing-rules/${created.body.id}`, { token })).status).toBe(403);
      expect((await ctx.http("POST", "/routing-rules/test", { token, json: { subject: "down" } })).status).toBe(403);
    }
  });
});

describe("POST /routing-rules/test", () => {
  it("answers what the active rules decide", async () => {
    const res = await ctx.http("POST", "/routing-rules/test", {
      token: admin.token,
      json: { subject: "Site is down", description: "and I want a refund", tags: ["vip"], channel: "web" },
    });
    expect(res.status).toBe(200);
    const rules = (await ctx.http("GET", "/routing-rules", { token: admin.token })).body.data as { id: string; name: string }[];
    const id = (name: string) => rules.find((r) => r.name === name)!.id;
    expect(res.body).toMatchObject({ teamId: tech.id, priority: "urgent", matched: [id("Outages")] });
    expect(res.body.reasons).toEqual([`rule "Outages" (keyword "down") → team ${tech.id}, priority urgent`]);
  });

  it("words inside other words do not match; inactive rules are ignored", async () => {
    const res = await ctx.http("POST", "/routing-rules/test", {
      token: admin.token,
      json: { subject: "download failed", channel: "api" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ teamId: null, priority: null, matched: [], reasons: [] });
  });

  it("400 for a bad channel", async () => {
    const res = await ctx.http("POST", "/routing-rules/test", { token: admin.token, json: { subject: "x", channel: "pigeon" } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("body.channel");
  });
});

describe("deleting a team", () => {
  it("takes its routing rules with it", async () => {
    const team = await createTeam(ctx.database.db);
    const rule = await ctx.http("POST", "/routing-rules", { token: admin.token, json: { name: "Team rule", teamId: team.id } });
    expect((await ctx.http("DELETE", `/teams/${team.id}`, { token: admin.token })).status).toBe(204);
    expect((await ctx.http("GET", `/routing-rules/${rule.body.id}`, { token: admin.token })).status).toBe(404);
  });
});
