import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiFeedback, aiRuns } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTicket } from "../harness/factories.js";

let ctx: TestContext;
type Signed = Awaited<ReturnType<typeof signedInUser>>;
let admin: Signed;
let agent: Signed;
let customer: Signed;
let t1: string;
let t2: string;
const runIds: Record<string, string> = {};
const feedbackIds: Record<string, string> = {};

/** Exact timestamps, microseconds included (several rows share a millisecond on purpose). */
const ts = (iso: string) => sql`${iso}::timestamptz`;

async function run(name: string, at: string, attrs: Partial<typeof aiRuns.$inferInsert> = {}) {
  const [row] = await ctx.database.db
    .insert(aiRuns)
    .values({ kind: "triage", provider: "local", model: "local-v1", latencyMs: 10, createdAt: ts(at) as never, ...attrs })
    .returning({ id: aiRuns.id });
  runIds[name] = row!.id;
}

async function feedback(name: string, at: string, attrs: Partial<typeof aiFeedback.$inferInsert> & { kind: "draft_review" | "override" | "rating" }) {
  const [row] = await ctx.database.db
    .insert(aiFeedback)
    .values({ createdAt: ts(at) as never, ...attrs })
    .returning({ id: aiFeedback.id });
  feedbackIds[name] = row!.id;
}

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  agent = await signedInUser(ctx, "agent");
  customer = await signedInUser(ctx, "customer");
  const db = ctx.database.db;
  t1 = (await createTicket(db, { customerId: customer.user.id })).id;
  t2 = (await createTicket(db, { customerId: customer.user.id })).id;

  await run("a", "2025-03-01T10:00:00.000001Z", { ticketId: t1, input: { subject: "Refund" }, output: { priority: "high" }, confidence: 0.9, latencyMs: 120 });
  await run("b", "2025-03-01T10:00:00.000002Z", { ticketId: t1, kind: "draft", provider: "openai", model: "gpt-4o-mini", promptTokens: 500, completionTokens: 80, costUsd: 0.000123 });
  await run("c", "2025-03-01T10:00:00.000003Z", { ticketId: t2, kind: "draft", provider: "openai", model: "gpt-4o-mini", error: "timeout after 30000 ms" });
  await run("d", "2025-03-02T09:00:00Z", { ticketId: t2, provider: "openai", model: "gpt-4o" });
  await run("e", "2025-03-03T09:00:00Z", { kind: "embed" });

  await feedback("review", "2025-03-01T11:00:00.000001Z", { ticketId: t1, field: "draft", aiValue: { confidence: 0.8 }, humanValue: { outcome: "edited" }, editDistance: 0.25, kind: "draft_review" });
  await feedback("prio", "2025-03-01T11:00:00.000002Z", { ticketId: t1, field: "priority", aiValue: "high", humanValue: "urgent", kind: "override" });
  await feedback("team", "2025-03-02T11:00:00Z", { ticketId: t2, field: "team", aiValue: "x", humanValue: "y", kind: "override" });
  await feedback("rating", "2025-03-03T11:00:00Z", { ticketId: t2, rating: 4, kind: "rating" });
});
afterAll(() => ctx?.close());

const get = (path: string, token = admin.token) => ctx.http("GET", path, { token });
const ids = (body: { data: { id: string }[] }) => body.data.map((r) => r.id);
const names = (map: Record<string, string>, ...keys: string[]) => keys.map((k) => map[k]);

describe("OpenAPI", () => {
  it("documents the AI admin routes and the metrics schema", async () => {
    const res = await ctx.http("GET", "/openapi.json");
    expect(res.status).toBe(200);
    for (const path of ["/ai/runs", "/ai/runs/{id}", "/ai/feedback", "/metrics/ai"]) expect(res.body.paths[path]?.get, path).toBeDefined();
    expect(Object.keys(res.body.components.schemas.AiMetrics.properties)).toEqual(["from", "to", "drafts", "triage", "deflection", "kbGaps", "runs"]);
  });
});

describe("who may read the AI's log", () => {
  const paths = () => ["/ai/runs", `/ai/runs/${runIds.a}`, "/ai/feedback", "/metrics/ai"];

  it("agents and customers get 403", async () => {
    for (const path of paths()) {
      for (const who of [agent, customer]) {
        const res = await get(path, who.token);
        expect(res.status, `${path}`).toBe(403);
        expect(res.body.code).toBe("FORBIDDEN");
      }
    }
  });

  it("anonymous callers get 401", async () => {
    for (const path of paths()) {
      const res = await ctx.http("GET", path);
      expect(res.status, path).toBe(401);
    }
  });
});

describe("GET /ai/runs", () => {
  it("lists every run newest first, with its numbers", async () => {
    const res = await get("/ai/runs");
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(names(runIds, "e", "d", "c", "b", "a"));
    const b = res.body.data.find((r: { id: string }) => r.id === runIds.b);
    expect(b).toEqual({
      id: runIds.b,
      kind: "draft",
      ticketId: t1,
      provider: "openai",
      model: "gpt-4o-mini",
      output: null,
      confidence: null,
      latencyMs: 10,
      promptTokens: 500,
      completionTokens: 80,
      costUsd: 0.000123,
      error: null,
      createdAt: "2025-03-01T10:00:00.000Z",
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it("filters by kind, ticket, provider, model, error and time range", async () => {
    expect(ids((await get("/ai/runs?kind=draft")).body)).toEqual(names(runIds, "c", "b"));
    expect(ids((await get(`/ai/runs?ticketId=${t2}`)).body)).toEqual(names(runIds, "d", "c"));
    expect(ids((await get("/ai/runs?provider=openai&model=gpt-4o-mini")).body)).toEqual(names(runIds, "c", "b"));
    expect(ids((await get("/ai/runs?hasError=true")).body)).toEqual(names(runIds, "c"));
    expect(ids((await get("/ai/runs?hasError=false&kind=draft")).body)).toEqual(names(runIds, "b"));
    expect(ids((await get("/ai/runs?from=2025-03-01T10:00:00.000002Z&to=2025-03-03")).body)).toEqual(names(runIds, "d", "c", "b"));
    expect(ids((await get("/ai/runs?from=2025-03-02&to=2025-03-03")).body)).toEqual(names(runIds, "d"));
  });

  it("pages with a keyset cursor that keeps microseconds apart", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/ai/runs?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(names(runIds, "e", "d", "c", "b", "a"));

    // A page boundary inside the three rows of one millisecond.
    const first = await get("/ai/runs?kind=draft&limit=1");
    expect(ids(first.body)).toEqual([runIds.c]);
    const second = await get(`/ai/runs?kind=draft&limit=1&cursor=${first.body.nextCursor}`);
    expect(ids(second.body)).toEqual([runIds.b]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("names each bad query field", async () => {
    const cases: [string, string][] = [
      ["hasError=maybe", "query.hasError"],
      ["ticketId=42", "query.ticketId"],
      ["from=yesterday", "query.from"],
      ["limit=0", "query.limit"],
      ["cursor=nonsense", "query.cursor"],
      ["from=2025-03-02&to=2025-03-01", "query.to"],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/ai/runs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });
});

describe("GET /ai/runs/{id}", () => {
  it("returns one run with its input", async () => {
    const res = await get(`/ai/runs/${runIds.a}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: runIds.a, kind: "triage", input: { subject: "Refund" }, output: { priority: "high" }, confidence: 0.9, latencyMs: 120 });
  });

  it("404 for an unknown run, 400 for a malformed id", async () => {
    const missing = await get("/ai/runs/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("AI_RUN_NOT_FOUND");
    const bad = await get("/ai/runs/not-a-uuid");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("params.id");
  });
});

describe("GET /ai/feedback", () => {
  it("lists feedback newest first and filters it", async () => {
    const all = await get("/ai/feedback");
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(names(feedbackIds, "rating", "team", "prio", "review"));
    expect(all.body.data.find((f: { id: string }) => f.id === feedbackIds.prio)).toMatchObject({
      kind: "override",
      ticketId: t1,
      field: "priority",
      aiValue: "high",
      humanValue: "urgent",
      editDistance: null,
    });
    expect(ids((await get("/ai/feedback?kind=override")).body)).toEqual(names(feedbackIds, "team", "prio"));
    expect(ids((await get("/ai/feedback?field=draft")).body)).toEqual(names(feedbackIds, "review"));
    expect(ids((await get(`/ai/feedback?ticketId=${t2}`)).body)).toEqual(names(feedbackIds, "rating", "team"));
    expect(ids((await get("/ai/feedback?from=2025-03-01T11:00:00.000002Z&to=2025-03-03")).body)).toEqual(names(feedbackIds, "team", "prio"));
  });

  it("pages through everything once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/ai/feedback?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names(feedbackIds, "rating", "team", "prio", "review"));
  });

  it("rejects an unknown kind and a reversed range", async () => {
    const kind = await get("/ai/feedback?kind=vibes");
    expect(kind.status).toBe(400);
    expect(kind.body.errors[0].field).toBe("query.kind");
    const range = await get("/ai/feedback?from=2025-03-02&to=2025-03-02");
    expect(range.status).toBe(400);
    expect(range.body.errors[0].field).toBe("query.to");
  });
});
