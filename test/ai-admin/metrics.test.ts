import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiDrafts, aiFeedback, aiRuns, answerSessions, ticketMessages, tickets, type AnswerOutcome, type DraftStatus } from "../../db/schema/index.js";
import { editBucket } from "../../src/services/drafts/edit-distance.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTeam, createTicket } from "../harness/factories.js";

// One month of AI activity, [2025-04-01, 2025-05-01), plus a few rows just outside it; every
// number below is worked out by hand from these fixtures.

let ctx: TestContext;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let customerId: string;
let billing: { id: string; name: string };
let tech: { id: string; name: string };
const RANGE = "from=2025-04-01&to=2025-05-01";
const day = (d: number, hour = 12) => new Date(Date.UTC(2025, 3, d, hour));
const EDITED_DISTANCES = [0.1, 0.3, 0.31, 0.8];

async function ticket() {
  return createTicket(ctx.database.db, { customerId });
}

async function draft(status: DraftStatus, createdAt: Date, editDistance: number | null = null, messageId: string | null = null) {
  const t = await ticket();
  await ctx.database.db.insert(aiDrafts).values({ ticketId: t.id, messageId, body: "Draft", confidence: 0.7, status, editDistance, createdAt });
}

async function triaged(triagedAt: Date | null, ai: { priority: string | null; teamId: string | null; needsHuman?: boolean }, overrides: ("priority" | "team")[] = []) {
  const t = await ticket();
  const db = ctx.database.db;
  if (triagedAt) {
    const metadata = { ai: { triagedAt: triagedAt.toISOString(), priority: ai.priority, priorityConfidence: 0.8, teamId: ai.teamId, teamConfidence: 0.7, needsHuman: ai.needsHuman ?? false } };
    await db.update(tickets).set({ metadata }).where(eq(tickets.id, t.id));
  }
  for (const field of overrides) await db.insert(aiFeedback).values({ kind: "override", ticketId: t.id, field, aiValue: "ai", humanValue: "human" });
  return t;
}

async function session(question: string, createdAt: Date, attrs: { confidence: number; abstained?: boolean; outcome?: AnswerOutcome }) {
  await ctx.database.db
    .insert(answerSessions)
    .values({ question, createdAt, confidence: attrs.confidence, abstained: attrs.abstained ?? false, outcome: attrs.outcome ?? null });
}

async function run(kind: string, latencyMs: number, createdAt: Date, attrs: Partial<typeof aiRuns.$inferInsert> = {}) {
  await ctx.database.db.insert(aiRuns).values({ kind, provider: "local", model: "m", latencyMs, createdAt, ...attrs });
}

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  customerId = (await signedInUser(ctx, "customer")).user.id;
  const db = ctx.database.db;
  billing = await createTeam(db, { name: "Billing" });
  tech = await createTeam(db, { name: "Tech" });

  // Drafts: 2 as is, 2 light (0.1, 0.3), 2 heavy (0.31, 0.8), one of each other status; one outside.
  await draft("approved", day(2), 0);
  await draft("approved", day(3), 0);
  for (const d of EDITED_DISTANCES) await draft("edited", day(4), d);
  for (const s of ["rejected", "pending", "superseded"] as const) await draft(s, day(5));
  const gapTicket = await createTicket(db, { customerId, description: "How do I export my invoices to CSV?" });
  const [message] = await db.select({ id: ticketMessages.id }).from(ticketMessages).where(eq(ticketMessages.ticketId, gapTicket.id));
  await draft("abstained", day(10), null, message!.id);
  await draft("approved", new Date("2025-03-31T23:59:59Z"), 0);

  // Triage: Billing ×3 (one priority and one team override), Tech ×1 (both overridden, priority twice),
  // no team ×2 (flagged for a human), one before the range, one never triaged.
  await triaged(day(2), { priority: "high", teamId: billing.id }, ["priority"]);
  await triaged(day(3), { priority: "low", teamId: billing.id }, ["team"]);
  const t3 = await triaged(day(4), { priority: "medium", teamId: billing.id });
  await db.insert(aiFeedback).values({ kind: "draft_review", ticketId: t3.id, field: "draft", editDistance: 0.5 });
  await triaged(day(5), { priority: "urgent", teamId: tech.id }, ["priority", "priority", "team"]);
  await triaged(day(6), { priority: null, teamId: null, needsHuman: true });
  await triaged(day(7), { priority: "medium", teamId: null, needsHuman: true });
  await triaged(new Date("2025-03-20T00:00:00Z"), { priority: "high", teamId: billing.id }, ["priority"]);
  await triaged(null, { priority: null, teamId: null });

  // Instant answers (threshold 0.35 by default).
  await session("Thanks, that fixed it", day(1), { confidence: 0.9, outcome: "solved" });
  await session("Where is my order", day(2), { confidence: 0.8, outcome: "solved" });
  await session("Change billing address", day(3), { confidence: 0.5, outcome: "not_helpful" });
  await session("How do I export invoices to CSV?", day(7), { confidence: 0.1, abstained: true, outcome: "ticket_filed" });
  await session("Can I export my invoices as CSV", day(8), { confidence: 0.2, abstained: true });
  await session("export invoice csv file", day(9), { confidence: 0.3 });
  await session("Reset my password", day(9), { confidence: 0.9 });
  await session("What are your opening hours", day(9), { confidence: 0.35 });
  await session("Do you support SSO with Okta?", day(11), { confidence: 0.05, abstained: true });
  await session("SSO login with Okta support", day(12), { confidence: 0.05, abstained: true });
  await session("Old question", new Date("2025-05-01T00:00:00Z"), { confidence: 0.9, abstained: true, outcome: "solved" });

  // Runs: triage latencies 100..400 (one error), drafts 1000 and 3000; one run after the range.
  for (const [i, ms] of [100, 200, 300, 400].entries()) {
    await run("triage", ms, day(2 + i), { promptTokens: 10, completionTokens: 5, error: i === 1 ? "LLM 503" : null });
  }
  await run("draft", 1000, day(3), { promptTokens: 500, completionTokens: 100, costUsd: 0.001 });
  await run("draft", 3000, day(4), { promptTokens: 700, completionTokens: 50, costUsd: 0.0025 });
  await run("triage", 99_999, new Date("2025-05-01T00:00:00Z"), { error: "late" });
});
afterAll(() => ctx?.close());

const metrics = async (query = RANGE) => {
  const res = await ctx.http("GET", `/metrics/ai?${query}`, { token: admin.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe("GET /metrics/ai", () => {
  it("counts drafts by outcome, edits bucketed like editBucket()", async () => {
    const { drafts, from, to } = await metrics();
    expect({ from, to }).toEqual({ from: "2025-04-01T00:00:00.000Z", to: "2025-05-01T00:00:00.000Z" });
    expect(drafts).toEqual({
      total: 10,
      sent: 6,
      sentAsIs: 2,
      lightlyEdited: 2,
      heavilyEdited: 2,
      rejected: 1,
      abstained: 1,
      pending: 1,
      superseded: 1,
      meanEditDistance: 0.2517, // (0 + 0 + 0.1 + 0.3 + 0.31 + 0.8) / 6
    });
    expect(EDITED_DISTANCES.map(editBucket)).toEqual(["light", "light", "heavy", "heavy"]);
  });

  it("measures triage accuracy per field and per triaged team", async () => {
    const { triage } = await metrics();
    expect(triage.triaged).toBe(6);
    expect(triage.flaggedForHuman).toBe(2);
    expect(triage.priority).toEqual({ decisions: 5, overridden: 2, accuracy: 0.6 });
    expect(triage.team).toEqual({ decisions: 4, overridden: 2, accuracy: 0.5 });
    expect(triage.byTeam).toEqual([
      { teamId: billing.id, teamName: "Billing", triaged: 3, flaggedForHuman: 0, priority: { decisions: 3, overridden: 1, accuracy: 0.6667 }, team: { decisions: 3, overridden: 1, accuracy: 0.6667 } },
      { teamId: null, teamName: null, triaged: 2, flaggedForHuman: 2, priority: { decisions: 1, overridden: 0, accuracy: 1 }, team: { decisions: 0, overridden: 0, accuracy: null } },
      { teamId: tech.id, teamName: "Tech", triaged: 1, flaggedForHuman: 0, priority: { decisions: 1, overridden: 1, accuracy: 0 }, team: { decisions: 1, overridden: 1, accuracy: 0 } },
    ]);
  });

  it("computes deflection from answer sessions", async () => {
    const { deflection } = await metrics();
    expect(deflection).toEqual({
      sessions: 10,
      solved: 2,
      notHelpful: 1,
      ticketFiled: 1,
      noOutcome: 6,
      abstained: 4,
      deflectionRate: 0.5, // 2 solved of 4 with an outcome
      deflectionRateOverall: 0.2,
      abstainRate: 0.4,
    });
  });

  it("groups low-confidence questions into KB gaps", async () => {
    const { kbGaps } = await metrics();
    expect(kbGaps).toEqual([
      {
        count: 4,
        representative: "How do I export my invoices to CSV?",
        examples: ["export invoice csv file", "Can I export my invoices as CSV", "How do I export invoices to CSV?"],
        lastAskedAt: day(10).toISOString(),
        fromAnswers: 3,
        fromDrafts: 1,
      },
      {
        count: 2,
        representative: "SSO login with Okta support",
        examples: ["Do you support SSO with Okta?"],
        lastAskedAt: day(12).toISOString(),
        fromAnswers: 2,
        fromDrafts: 0,
      },
    ]);
  });

  it("reports latency percentiles, error rates, tokens and cost per kind", async () => {
    const { runs } = await metrics();
    expect(runs.byKind).toEqual([
      { kind: "draft", runs: 2, errors: 0, errorRate: 0, latencyP50Ms: 2000, latencyP95Ms: 2900, promptTokens: 1200, completionTokens: 150, costUsd: 0.0035 },
      { kind: "triage", runs: 4, errors: 1, errorRate: 0.25, latencyP50Ms: 250, latencyP95Ms: 385, promptTokens: 40, completionTokens: 20, costUsd: 0 },
    ]);
    expect(runs.total).toEqual({ runs: 6, errors: 1, errorRate: 0.1667, promptTokens: 1240, completionTokens: 170, costUsd: 0.0035 });
  });

  it("answers an empty range with zeros and null rates", async () => {
    const body = await metrics("from=2020-01-01&to=2020-02-01");
    expect(body.drafts).toMatchObject({ total: 0, sent: 0, meanEditDistance: null });
    expect(body.triage).toEqual({
      triaged: 0,
      flaggedForHuman: 0,
      priority: { decisions: 0, overridden: 0, accuracy: null },
      team: { decisions: 0, overridden: 0, accuracy: null },
      byTeam: [],
    });
    expect(body.deflection).toMatchObject({ sessions: 0, deflectionRate: null, deflectionRateOverall: null, abstainRate: null });
    expect(body.kbGaps).toEqual([]);
    expect(body.runs).toEqual({ byKind: [], total: { runs: 0, errors: 0, errorRate: null, promptTokens: 0, completionTokens: 0, costUsd: 0 } });
  });

  it("defaults to the last 30 days", async () => {
    const body = await metrics("");
    const span = Date.parse(body.to) - Date.parse(body.from);
    expect(span).toBe(30 * 86_400_000);
    expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
    expect(body.drafts.total).toBe(0); // the fixtures are in 2025
  });

  it("rejects reversed, oversized and malformed ranges", async () => {
    const cases: [string, string][] = [
      ["from=2025-05-01&to=2025-04-01", "query.to"],
      ["from=2025-04-01&to=2025-04-01", "query.to"],
      ["from=2024-01-01&to=2025-04-01", "query.to"],
      ["from=april", "query.from"],
    ];
    for (const [query, field] of cases) {
      const res = await ctx.http("GET", `/metrics/ai?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field), query).toEqual([field]);
    }
  });
});
