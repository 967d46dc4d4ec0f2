import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerSessions, kbLearnedQuestions, tickets } from "../../db/schema/index.js";
import { indexArticle } from "../../src/services/kb/indexing.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createArticle } from "../harness/factories.js";

const fields = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field) ?? [];

let ctx: TestContext;
let customer: Awaited<ReturnType<typeof signedInUser>>;
let other: Awaited<ReturnType<typeof signedInUser>>;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let refundId: string;
let exportId: string;

const ask = (question: string, token?: string) => ctx.http("POST", "/answers", { token, json: { question } });
const session = async (id: string) => (await ctx.database.db.select().from(answerSessions).where(eq(answerSessions.id, id)))[0]!;

beforeAll(async () => {
  ctx = await createTestContext();
  customer = await signedInUser(ctx, "customer");
  other = await signedInUser(ctx, "customer");
  agent = await signedInUser(ctx, "agent");
  const db = ctx.database.db;
  const articles = [
    { title: "Refund policy", category: "billing", body: "## Duplicate charges\n\nDuplicate charges are refunded within five business days. Contact billing with the invoice number." },
    { title: "Export your data", category: "account", body: "## CSV export\n\nAdmins can export all contacts and invoices as CSV from Settings, then Data export." },
    { title: "Two-factor authentication", category: "account", body: "## Turn on 2FA\n\nEnable two-factor authentication from the Security page with an authenticator app." },
    { title: "Connect your bank", category: "billing", body: "## Bank feeds\n\nConnect your bank account under Banking to import transactions every night." },
  ];
  const ids: string[] = [];
  for (const a of articles) {
    const row = await createArticle(db, a);
    await indexArticle({ db, embedder: ctx.embedder }, row.id);
    ids.push(row.id);
  }
  [refundId, exportId] = ids as [string, string];
});
afterAll(() => ctx?.close());

describe("POST /answers", () => {
  it("suggests up to three passages with article links and a confidence, and records the session", async () => {
    const res = await ask("How long until duplicate charges are refunded?", customer.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ question: "How long until duplicate charges are refunded?", abstained: false, message: null, outcome: null, ticketId: null });
    expect(res.body.confidence).toBeGreaterThanOrEqual(ctx.config.ANSWER_CONFIDENCE_THRESHOLD);
    expect(res.body.passages.length).toBeGreaterThan(0);
    expect(res.body.passages.length).toBeLessThanOrEqual(3);
    expect(res.body.passages[0]).toMatchObject({ articleId: refundId, title: "Refund policy", url: "/kb/articles/refund-policy", headingPath: ["Duplicate charges"] });
    expect(res.body.passages[0].highlight).toContain("<mark>refunded</mark>");
    const row = await session(res.body.id);
    expect(row).toMatchObject({ userId: customer.user.id, abstained: false, outcome: null });
    expect((row.results as { articleId: string; shown: boolean }[])[0]).toMatchObject({ articleId: refundId, shown: true });
  });

  it("abstains on an off-topic question with an explicit 'no confident answer'", async () => {
    const res = await ask("What is the boiling point of mercury at sea level?");
    expect(res.status).toBe(201);
    expect(res.body.abstained).toBe(true);
    expect(res.body.passages).toEqual([]);
    expect(res.body.message).toMatch(/no confident answer/i);
    expect(res.body.confidence).toBeLessThan(ctx.config.ANSWER_CONFIDENCE_THRESHOLD);
    const row = await session(res.body.id);
    expect(row).toMatchObject({ userId: null, abstained: true });
  });

  it("rejects empty, whitespace-only and 10,000-character questions, naming the field", async () => {
    for (const question of ["", "   \n\t ", "x".repeat(10_000)]) {
      const res = await ask(question);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(["body.question"]);
    }
    const missing = await ctx.http("POST", "/answers", { json: {} });
    expect(fields(missing)).toEqual(["body.question"]);
  });
});

describe("POST /answers/:id/feedback", () => {
  it("records 'solved' and learns the question for the article that solved it", async () => {
    const answer = await ask("How can my admins export every contact to CSV?", customer.token);
    expect(answer.body.passages.map((p: { articleId: string }) => p.articleId)).toContain(exportId);
    const res = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, { token: customer.token, json: { helpful: true, articleId: exportId } });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("solved");
    const learned = await ctx.database.db.select().from(kbLearnedQuestions).where(eq(kbLearnedQuestions.articleId, exportId));
    expect(learned).toMatchObject([{ question: "How can my admins export every contact to CSV?", source: "answer_session", sourceId: answer.body.id }]);
    expect(learned[0]!.embedding).toHaveLength(768);
    // Retrieval improves with use: the learned question now matches a paraphrase.
    const search = await ctx.http("GET", `/kb/search?q=${encodeURIComponent("can admins export every contact")}`);
    expect(search.body.results[0]).toMatchObject({ articleId: exportId, matchedQuestion: "How can my admins export every contact to CSV?" });
  });

  it("records 'not helpful' for a visitor's own session, once", async () => {
    const answer = await ask("How do I enable two-factor authentication?");
    const res = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, { json: { helpful: false } });
    expect(res.status).toBe(200);
    expect((await session(answer.body.id)).outcome).toBe("not_helpful");
    const again = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, { json: { helpful: true } });
    expect(again.status).toBe(409);
  });

  it("rejects an article that was not suggested, and bad ids and bodies", async () => {
    const answer = await ask("How long until duplicate charges are refunded?", customer.token);
    const notShown = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, {
      token: customer.token,
      json: { helpful: true, articleId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(notShown.status).toBe(400);
    expect(fields(notShown)).toEqual(["body.articleId"]);
    expect((await session(answer.body.id)).outcome).toBeNull();
    const badId = await ctx.http("POST", "/answers/not-a-uuid/feedback", { token: customer.token, json: { helpful: true } });
    expect(fields(badId)).toEqual(["params.id"]);
    const badBody = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, { token: customer.token, json: { helpful: "yes", extra: 1 } });
    expect(badBody.status).toBe(400);
    expect(fields(badBody)).toContain("body.helpful");
  });

  it("answers 404 for someone else's session (another customer, a visitor, an agent)", async () => {
    const answer = await ask("How long until duplicate charges are refunded?", customer.token);
    for (const token of [other.token, undefined, agent.token]) {
      const res = await ctx.http("POST", `/answers/${answer.body.id}/feedback`, { token, json: { helpful: true } });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("ANSWER_SESSION_NOT_FOUND");
    }
    const visitors = await ask("How do I connect my bank account?");
    const res = await ctx.http("POST", `/answers/${visitors.body.id}/feedback`, { token: customer.token, json: { helpful: true } });
    expect(res.status).toBe(404);
    expect((await session(answer.body.id)).outcome).toBeNull();
  });
});

describe("POST /answers/:id/ticket", () => {
  it("files the question as a widget ticket linked to the session, once", async () => {
    const question = `My bank feed stopped importing transactions last night and ${"the error keeps coming back ".repeat(6)}`.trim();
    const answer = await ask(question, customer.token);
    const res = await ctx.http("POST", `/answers/${answer.body.id}/ticket`, { token: customer.token });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ subject: question.slice(0, 120), description: question, channel: "widget", customerId: customer.user.id });
    expect(res.body.answer).toMatchObject({ id: answer.body.id, outcome: "ticket_filed", ticketId: res.body.ticket.id });
    expect(await session(answer.body.id)).toMatchObject({ outcome: "ticket_filed", ticketId: res.body.ticket.id });

    const again = await ctx.http("POST", `/answers/${answer.body.id}/ticket`, { token: customer.token });
    expect(again.status).toBe(201);
    expect(again.body.ticket.id).toBe(res.body.ticket.id);
    const filed = await ctx.database.db.select().from(tickets).where(eq(tickets.customerId, customer.user.id));
    expect(filed.filter((t) => t.description === question)).toHaveLength(1);
  });

  it("is for signed-in customers and their own sessions only", async () => {
    const answer = await ask("How long until duplicate charges are refunded?", customer.token);
    expect((await ctx.http("POST", `/answers/${answer.body.id}/ticket`)).status).toBe(401);
    const asAgent = await ctx.http("POST", `/answers/${answer.body.id}/ticket`, { token: agent.token });
    expect(asAgent.status).toBe(403);
    const asOther = await ctx.http("POST", `/answers/${answer.body.id}/ticket`, { token: other.token });
    expect(asOther.status).toBe(404);
    const badId = await ctx.http("POST", "/answers/123/ticket", { token: customer.token });
    expect(fields(badId)).toEqual(["params.id"]);
    expect((await session(answer.body.id)).outcome).toBeNull();
  });
});

describe("rate limits", () => {
  it("limits visitors' questions per address, not signed-in customers'", async () => {
    let limited: { status: number; headers: Headers } | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await ask(`Is there a refund for order ${i}?`);
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await ask("Is there a refund?", customer.token)).status).toBe(201);
  });
});
