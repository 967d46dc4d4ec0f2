import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { TEST_PASSWORD, createUser } from "../harness/factories.js";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

const signup = (json: unknown) => ctx.http("POST", "/auth/signup", { json });

describe("POST /auth/signup", () => {
  it("creates a customer, signs them in, and sets an HttpOnly cookie", async () => {
    const res = await signup({ email: "New.Person@Example.test", password: "long enough pw", fullName: "New Person" });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: "new.person@example.test", role: "customer", fullName: "New Person" });
    expect(res.body.user.passwordHash).toBeUndefined();
    expect(res.headers.get("set-cookie")).toMatch(/autocrm_session=.+HttpOnly/i);
    const me = await ctx.http("GET", "/me", { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe("new.person@example.test");
    // The email is also an identity, so inbound email finds this customer.
    const { token: agent } = await signedInUser(ctx, "agent");
    const found = await ctx.http("GET", "/users/lookup?kind=email&value=NEW.PERSON@example.test", { token: agent });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(res.body.user.id);
  });

  it("the cookie alone authenticates", async () => {
    const res = await signup({ email: "cookie@example.test", password: "long enough pw", fullName: "Cookie" });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const me = await ctx.http("GET", "/me", { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  it("409 for an email already registered, in any case", async () => {
    await signup({ email: "dup@example.test", password: "long enough pw", fullName: "A" });
    const res = await signup({ email: "DUP@example.test", password: "long enough pw", fullName: "B" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("EMAIL_TAKEN");
  });

  it("400 naming each bad field", async () => {
    const res = await signup({ email: "not-an-email", password: "short", fullName: "" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(["body.email", "body.fullName", "body.password"]);
  });

  it("400 for malformed JSON", async () => {
    const res = await ctx.http("POST", "/auth/signup", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("MALFORMED_BODY");
  });

  it("cannot choose a role", async () => {
    const res = await signup({ email: "sneaky@example.test", password: "long enough pw", fullName: "S", role: "admin" });
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe("customer");
  });
});

describe("POST /auth/login and /auth/logout", () => {
  it("signs in with the right password and out again", async () => {
    const user = await createUser(ctx.database.db, { role: "agent", email: "login@example.test" });
    const res = await ctx.http("POST", "/auth/login", { json: { email: "LOGIN@example.test", password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
    const token = res.body.token;
    expect((await ctx.http("POST", "/auth/logout", { token })).status).toBe(204);
    const after = await ctx.http("GET", "/me", { token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("UNAUTHENTICATED");
  });

  it("401 for a wrong password or unknown email, with the same answer", async () => {
    await createUser(ctx.database.db, { email: "wrongpw@example.test" });
    const wrong = await ctx.http("POST", "/auth/login", { json: { email: "wrongpw@example.test", password: "nope-nope" } });
    const unknown = await ctx.http("POST", "/auth/login", { json: { email: "nobody@example.test", password: "nope-nope" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it("a deactivated user cannot sign in", async () => {
    await createUser(ctx.database.db, { email: "inactive@example.test", isActive: false });
    const res = await ctx.http("POST", "/auth/login", { json: { email: "inactive@example.test", password: TEST_PASSWORD } });
    expect(res.status).toBe(401);
  });

  it("rate-limits sign-in per account (429 with Retry-After)", async () => {
    await createUser(ctx.database.db, { email: "target@example.test" });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await ctx.http("POST", "/auth/login", { json: { email: "target@example.test", password: "guess-" + i } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const limited = await ctx.http("POST", "/auth/login", { json: { email: "target@example.test", password: TEST_PASSWORD } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("logout without a session is 401", async () => {
    expect((await ctx.http("POST", "/auth/logout")).status).toBe(401);
  });

  it("a malformed Authorization header is 401", async () => {
    const res = await ctx.http("GET", "/me", { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
  });
});

describe("PATCH /me", () => {
  it("updates the profile; a new password ends other sessions but keeps this one", async () => {
    const { user, token } = await signedInUser(ctx, "customer");
    const other = await ctx.http("POST", "/auth/login", { json: { email: user.email, password: TEST_PASSWORD } });
    const res = await ctx.http("PATCH", "/me", { token, json: { fullName: "Renamed", password: "a brand new password" } });
    expect(res.status).toBe(200);
    expect(res.body.fullName).toBe("Renamed");
    expect((await ctx.http("GET", "/me", { token })).status).toBe(200);
    expect((await ctx.http("GET", "/me", { token: other.body.token })).status).toBe(401);
  });

  it("400 for an empty patch or unknown fields (role cannot be self-assigned)", async () => {
    const { token } = await signedInUser(ctx, "customer");
    expect((await ctx.http("PATCH", "/me", { token, json: {} })).status).toBe(400);
    const res = await ctx.http("PATCH", "/me", { token, json: { role: "admin" } });
    expect(res.status).toBe(400);
  });

  it("401 anonymously", async () => {
    expect((await ctx.http("PATCH", "/me", { json: { fullName: "x" } })).status).toBe(401);
  });
});
