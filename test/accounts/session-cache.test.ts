import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { forgetCachedSessions, sessionCacheFor } from "../../src/services/accounts/session-cache.js";
import { resolveSession } from "../../src/services/accounts/sessions.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";

// The in-process session cache (services/accounts/session-cache.ts): on by default in embedded
// mode, where this process sees every change, and every change that ends or alters a session
// must be visible on the very next request.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe("session cache", () => {
  it("is on in embedded mode and off by default in server mode", () => {
    expect(loadConfig({}).sessionCacheSeconds).toBe(30);
    expect(loadConfig({ DATABASE_URL: "postgres://db.example/autocrm" }).sessionCacheSeconds).toBe(0);
    expect(loadConfig({ DATABASE_URL: "postgres://db.example/autocrm", SESSION_CACHE_SECONDS: "5" }).sessionCacheSeconds).toBe(5);
    expect(() => loadConfig({ SESSION_CACHE_SECONDS: "600" })).toThrow(/SESSION_CACHE_SECONDS/);
  });

  it("reuses a resolved session: a change made behind the services' back is not seen within the TTL", async () => {
    const user = await signedInUser(ctx, "customer");
    expect((await ctx.http("GET", "/me", { token: user.token })).status).toBe(200);
    // Revoked directly in SQL (not through sign-out): only the cache can still answer.
    await ctx.database.db.execute(sql`UPDATE sessions SET revoked_at = now() WHERE user_id = ${user.user.id}`);
    expect((await ctx.http("GET", "/me", { token: user.token })).status).toBe(200);
    // With the cache off the same lookup reads the database and refuses.
    expect(await resolveSession(ctx.database.db, user.token, 0)).toBeNull();
  });

  it("sign-out ends the session on the next request", async () => {
    const user = await signedInUser(ctx, "customer");
    expect((await ctx.http("GET", "/me", { token: user.token })).status).toBe(200);
    expect((await ctx.http("POST", "/auth/logout", { token: user.token })).status).toBe(204);
    expect((await ctx.http("GET", "/me", { token: user.token })).status).toBe(401);
  });

  it("a role change and a deactivation by an admin apply on the next request", async () => {
    const admin = await signedInUser(ctx, "admin");
    const agent = await signedInUser(ctx, "agent");
    expect((await ctx.http("GET", "/me", { token: agent.token })).body.role).toBe("agent");
    expect((await ctx.http("PATCH", `/users/${agent.user.id}`, { token: admin.token, json: { role: "admin" } })).status).toBe(200);
    expect((await ctx.http("GET", "/me", { token: agent.token })).body.role).toBe("admin");
    expect((await ctx.http("PATCH", `/users/${agent.user.id}`, { token: admin.token, json: { isActive: false } })).status).toBe(200);
    expect((await ctx.http("GET", "/me", { token: agent.token })).status).toBe(401);
  });

  it("never serves a session past its own expiry", async () => {
    const cache = sessionCacheFor(ctx.database.db, 30);
    const actor = { kind: "user" as const, id: "00000000-0000-4000-8000-0000000000e1", role: "customer" as const, email: "e@example.test", fullName: "E" };
    cache.set("hash-expiring", actor, new Date(Date.now() + 40), performance.now());
    expect(cache.get("hash-expiring")).toEqual(actor);
    await new Promise((r) => setTimeout(r, 60));
    expect(cache.get("hash-expiring")).toBeUndefined();
  });

  it("a lookup that started before a revocation is not stored after it", () => {
    const cache = sessionCacheFor(ctx.database.db, 30);
    const actor = { kind: "user" as const, id: "00000000-0000-4000-8000-0000000000e2", role: "agent" as const, email: "r@example.test", fullName: "R" };
    const lookupStartedAt = performance.now();
    forgetCachedSessions(ctx.database.db, actor.id); // the revocation commits while the read is in flight
    cache.set("hash-racing", actor, new Date(Date.now() + 3_600_000), lookupStartedAt);
    expect(cache.get("hash-racing")).toBeUndefined();
    cache.set("hash-racing", actor, new Date(Date.now() + 3_600_000), performance.now());
    expect(cache.get("hash-racing")).toEqual(actor);
  });
});
