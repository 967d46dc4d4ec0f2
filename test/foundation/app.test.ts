import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe("GET /health", () => {
  it("reports the database and the queue", async () => {
    const res = await ctx.http("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "ok",
      mode: "embedded",
      checks: { database: { status: "ok", driver: "pglite" }, queue: { status: "ok", driver: "inline" } },
    });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("is degraded, not down, when only the queue fails (tickets still reach the outbox)", async () => {
    const original = ctx.queue.ping;
    ctx.queue.ping = async () => {
      throw new Error("redis unreachable");
    };
    try {
      const res = await ctx.http("GET", "/health");
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("degraded");
      expect(res.body.checks.queue).toMatchObject({ status: "down", error: "redis unreachable" });
    } finally {
      ctx.queue.ping = original;
    }
  });

  it("answers 503 when the database is down", async () => {
    const original = ctx.database.ping;
    ctx.database.ping = async () => {
      throw new Error("connection refused");
    };
    try {
      const res = await ctx.http("GET", "/health");
      expect(res.status).toBe(503);
      expect(res.body.checks.database.status).toBe("down");
    } finally {
      ctx.database.ping = original;
    }
  });
});

describe("OpenAPI and docs", () => {
  it("serves an OpenAPI 3.1 document listing the routes", async () => {
    const res = await ctx.http("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toContain("/health");
  });

  it("serves a docs page pointing at the document", async () => {
    const res = await ctx.http("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain("/openapi.json");
  });
});

describe("errors are problem+json", () => {
  it("404 for an unknown route, with code and request id", async () => {
    const res = await ctx.http("GET", "/no-such-thing", { headers: { "x-request-id": "req-123" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ status: 404, code: "ROUTE_NOT_FOUND", requestId: "req-123", instance: "/no-such-thing" });
  });

  it("415 for a body in a content type the route does not take", async () => {
    const res = await ctx.http("POST", "/auth/login", { body: "email=a", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("413 for a body over the limit", async () => {
    const res = await ctx.http("POST", "/health", {
      body: "x".repeat(ctx.config.BODY_LIMIT_BYTES + 1),
      headers: { "content-type": "text/plain", "content-length": String(ctx.config.BODY_LIMIT_BYTES + 1) },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
  });
});
