import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbArticles, kbFeedback } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createArticle } from "../harness/factories.js";
import { fields } from "./helpers.js";

let ctx: TestContext;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let customer: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await signedInUser(ctx, "agent");
  customer = await signedInUser(ctx, "customer");
});
afterAll(() => ctx?.close());

const counts = async (id: string) => {
  const [a] = await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.id, id));
  return [a!.helpfulCount, a!.notHelpfulCount];
};
const feedbackRows = (id: string) => ctx.database.db.select().from(kbFeedback).where(eq(kbFeedback.articleId, id));

describe("POST /kb/articles/{idOrSlug}/feedback", () => {
  it("records a visitor's and a customer's vote and moves the counts", async () => {
    const a = await createArticle(ctx.database.db, { title: "Rate me", status: "published" });
    const anon = await ctx.http("POST", `/kb/articles/${a.slug}/feedback`, { json: { helpful: true, query: "how to rate" } });
    expect(anon.status).toBe(201);
    expect(anon.body).toMatchObject({ articleId: a.id, helpful: true, helpfulCount: 1, notHelpfulCount: 0 });

    const mine = await ctx.http("POST", `/kb/articles/${a.id}/feedback`, {
      token: customer.token,
      json: { helpful: false, comment: "  Step 3 is <b>wrong</b>  " },
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ helpfulCount: 1, notHelpfulCount: 1 });
    expect(await counts(a.id)).toEqual([1, 1]);

    const rows = await feedbackRows(a.id);
    const byVisitorFirst = rows.sort((x, y) => Number(x.userId !== null) - Number(y.userId !== null));
    expect(byVisitorFirst.map((r) => [r.userId, r.helpful, r.comment, r.query])).toEqual([
      [null, true, null, "how to rate"],
      [customer.user.id, false, "Step 3 is <b>wrong</b>", null],
    ]);
  });

  it("counts concurrent votes without losing any", async () => {
    const a = await createArticle(ctx.database.db, { title: "Popular", status: "published" });
    await Promise.all(Array.from({ length: 5 }, () => ctx.http("POST", `/kb/articles/${a.id}/feedback`, { json: { helpful: true } })));
    expect(await counts(a.id)).toEqual([5, 0]);
  });

  it("answers 404 for drafts and archived articles to customers and visitors", async () => {
    for (const status of ["draft", "archived"] as const) {
      const a = await createArticle(ctx.database.db, { title: `Hidden ${status}`, status });
      for (const token of [undefined, customer.token]) {
        const res = await ctx.http("POST", `/kb/articles/${a.slug}/feedback`, { token, json: { helpful: true } });
        expect(res.status).toBe(404);
      }
      expect(await feedbackRows(a.id)).toHaveLength(0);
      expect(await counts(a.id)).toEqual([0, 0]);
    }
  });

  it("answers 400 naming bad fields", async () => {
    const a = await createArticle(ctx.database.db, { title: "Rate badly", status: "published" });
    const res = await ctx.http("POST", `/kb/articles/${a.id}/feedback`, { json: { helpful: "yes", comment: "c".repeat(2001), query: "q".repeat(501) } });
    expect(res.status).toBe(400);
    expect(fields(res).sort()).toEqual(["body.comment", "body.helpful", "body.query"]);
    expect(fields(await ctx.http("POST", `/kb/articles/${a.id}/feedback`, { json: {} }))).toEqual(["body.helpful"]);
    expect(fields(await ctx.http("POST", `/kb/articles/${a.id}/feedback`, { json: { helpful: true, comment: "a\u0000b" } }))).toEqual(["body.comment"]);
    expect(await counts(a.id)).toEqual([0, 0]);
  });
});

describe("GET /kb/articles/{id}/feedback", () => {
  it("shows staff the feedback, newest first, paged", async () => {
    const a = await createArticle(ctx.database.db, { title: "Read feedback", status: "published" });
    for (const comment of ["first", "second", "third"]) {
      await ctx.http("POST", `/kb/articles/${a.id}/feedback`, { token: customer.token, json: { helpful: false, comment } });
    }
    const page1 = await ctx.http("GET", `/kb/articles/${a.id}/feedback?limit=2`, { token: agent.token });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((f: { comment: string }) => f.comment)).toEqual(["third", "second"]);
    expect(page1.body.data[0]).toMatchObject({ articleId: a.id, userId: customer.user.id, helpful: false });
    const page2 = await ctx.http("GET", `/kb/articles/${a.id}/feedback?limit=2&cursor=${page1.body.nextCursor}`, { token: agent.token });
    expect(page2.body.data.map((f: { comment: string }) => f.comment)).toEqual(["first"]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it("is staff only; 404 for unknown articles; 400 for bad ids", async () => {
    const a = await createArticle(ctx.database.db, { title: "Private feedback", status: "published" });
    expect((await ctx.http("GET", `/kb/articles/${a.id}/feedback`, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", `/kb/articles/${a.id}/feedback`)).status).toBe(401);
    expect((await ctx.http("GET", "/kb/articles/0d4c6a2e-1111-4222-8333-444455556666/feedback", { token: agent.token })).status).toBe(404);
    expect((await ctx.http("GET", `/kb/articles/${a.slug}/feedback`, { token: agent.token })).status).toBe(400);
  });
});
