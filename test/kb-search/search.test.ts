import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbArticles, kbChunks } from "../../db/schema/index.js";
import { indexArticle } from "../../src/services/kb/indexing.js";
import { learnQuestion } from "../../src/services/kb/learned-questions.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";
import { createArticle } from "../harness/factories.js";

const fields = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field) ?? [];
type Hit = { articleId: string; title: string; url: string; matchedQuestion: string | null; passages: { text: string; highlight: string; headingPath: string[] }[] };
const ids = (res: { body: { results: Hit[] } }) => res.body.results.map((r) => r.articleId);

async function publishAndIndex(ctx: TestContext, attrs: Parameters<typeof createArticle>[1]) {
  const article = await createArticle(ctx.database.db, attrs);
  await indexArticle({ db: ctx.database.db, embedder: ctx.embedder }, article.id);
  return article;
}

describe("GET /kb/search with the local embedder", () => {
  let ctx: TestContext;
  let customer: Awaited<ReturnType<typeof signedInUser>>;
  let agent: Awaited<ReturnType<typeof signedInUser>>;
  const a: Record<string, { id: string }> = {};
  const search = (query: string, token?: string) => ctx.http("GET", `/kb/search?${query}`, { token });

  beforeAll(async () => {
    ctx = await createTestContext();
    customer = await signedInUser(ctx, "customer");
    agent = await signedInUser(ctx, "agent");
    a.password = await publishAndIndex(ctx, {
      title: "Reset your password",
      category: "account",
      tags: ["login"],
      body: "## Forgotten password\n\nOpen the sign-in page, choose **Forgot password** and follow the emailed link.",
    });
    a.invoice = await publishAndIndex(ctx, {
      title: "Download an invoice",
      category: "billing",
      tags: ["invoices", "pdf"],
      body: "## From the billing page\n\nEvery invoice can be downloaded as a PDF. <b>Admins</b> see all invoices of the company.",
    });
    a.refund = await publishAndIndex(ctx, {
      title: "Refund policy",
      category: "billing",
      tags: ["refunds"],
      body: "Duplicate charges are refunded within five business days. Contact billing with the invoice number.",
    });
    a.retired = await publishAndIndex(ctx, {
      title: "Legacy invoice portal",
      category: "billing",
      body: "The legacy portal printed every invoice on paper.",
    });
    // Unpublished, but its chunks are still there (as in the moment before the job removes them).
    await ctx.database.db.update(kbArticles).set({ status: "draft" }).where(eq(kbArticles.id, a.retired.id));
  });
  afterAll(() => ctx?.close());

  it("groups results per article with best passages, highlights and links", async () => {
    const res = await search("q=download invoice pdf", customer.token);
    expect(res.status).toBe(200);
    const [top] = res.body.results as Hit[];
    expect(top).toMatchObject({ articleId: a.invoice!.id, title: "Download an invoice", url: "/kb/articles/download-an-invoice" });
    expect(top!.passages[0]!.headingPath).toEqual(["From the billing page"]);
    expect(top!.passages[0]!.text).toBe("Every invoice can be downloaded as a PDF. <b>Admins</b> see all invoices of the company.");
    // Matched words (any inflection) are marked; the article's own markup is escaped.
    expect(top!.passages[0]!.highlight).toBe(
      "Every <mark>invoice</mark> can be <mark>downloaded</mark> as a <mark>PDF</mark>. &lt;b&gt;Admins&lt;/b&gt; see all <mark>invoices</mark> of the company.",
    );
    expect(new Set(ids(res)).size).toBe(res.body.results.length);
    expect(res.body.confidence).toBeGreaterThan(0.5);
  });

  it("finds a misspelt query through the embedding's character n-grams, where full text finds nothing", async () => {
    const res = await search("q=pasword resett");
    expect(res.status).toBe(200);
    expect(ids(res)[0]).toBe(a.password!.id);
    expect(res.body.results[0].passages[0].highlight).not.toContain("<mark>");
  });

  it("filters by category and by tags", async () => {
    const billing = await search("q=invoice&category=billing");
    expect(ids(billing).sort()).toEqual([a.invoice!.id, a.refund!.id].sort());
    const tagged = await search("q=invoice&tags=PDF,invoices");
    expect(ids(tagged)).toEqual([a.invoice!.id]);
    const none = await search("q=invoice&category=account&tags=refunds");
    expect(ids(none)).toEqual([]);
  });

  it("shows customers and visitors published articles only, even while stale chunks remain", async () => {
    const stale = await ctx.database.db.select().from(kbChunks).where(eq(kbChunks.articleId, a.retired!.id));
    expect(stale.length).toBe(1);
    for (const token of [customer.token, undefined]) {
      const res = await search("q=legacy portal paper", token);
      expect(res.status).toBe(200);
      expect(ids(res)).not.toContain(a.retired!.id);
    }
  });

  it("searches learned questions with the chunks: a question an article answered finds it without shared words", async () => {
    await learnQuestion({ db: ctx.database.db, embedder: ctx.embedder }, a.refund!.id, "I was billed twice, when do I get my money back?", "answer_session", null);
    const res = await search(`q=${encodeURIComponent("billed twice, money back?")}`, customer.token);
    expect(ids(res)[0]).toBe(a.refund!.id);
    expect(res.body.results[0].matchedQuestion).toBe("I was billed twice, when do I get my money back?");
  });

  it("honours limit", async () => {
    const res = await search("q=invoice billing password refund&limit=2", agent.token);
    expect(res.body.results).toHaveLength(2);
  });

  it("rejects empty, whitespace-only and 10,000-character queries and bad filters, naming the field", async () => {
    for (const q of ["", "q=", "q=%20%20%20", `q=${"a".repeat(10_000)}`]) {
      const res = await search(q);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(["query.q"]);
    }
    expect(fields(await search("q=x&limit=0"))).toEqual(["query.limit"]);
    expect(fields(await search("q=x&limit=51"))).toEqual(["query.limit"]);
    expect(fields(await search("q=x&category=nope"))).toEqual(["query.category"]);
    expect(fields(await search(`q=x&tags=${Array.from({ length: 11 }, (_, i) => `t${i}`).join(",")}`))).toEqual(["query.tags"]);
  });

  it("answers 401 to a stale token rather than searching as a visitor", async () => {
    const res = await search("q=invoice", "not-a-session");
    expect(res.status).toBe(401);
  });
});

describe("GET /kb/search is hybrid (OpenAI-compatible embeddings, scripted)", () => {
  let fake: FakeOpenAi;
  let ctx: TestContext;
  const a: Record<string, { id: string }> = {};
  const chunkVector = async (articleId: string) =>
    (await ctx.database.db.select({ e: kbChunks.embedding }).from(kbChunks).where(eq(kbChunks.articleId, articleId)))[0]!.e!;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    ctx = await createTestContext({ env: { AI_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.url } });
    a.refund = await publishAndIndex(ctx, { title: "Refund policy", body: "Duplicate charges are refunded within five business days." });
    a.codes = await publishAndIndex(ctx, { title: "Card errors", body: "Code ZX4471 means the card issuer declined the payment." });
    a.twofa = await publishAndIndex(ctx, { title: "Two-factor setup", body: "Enable two-factor authentication from the security page." });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it("indexes with the provider's model name and the schema's dimensions", async () => {
    const [row] = await ctx.database.db.select().from(kbChunks).where(eq(kbChunks.articleId, a.refund!.id));
    expect(row!.embeddingModel).toBe("openai:text-embedding-3-small");
    const request = fake.requests.find((r) => r.endpoint === "embeddings")!;
    expect(request.body).toMatchObject({ model: "text-embedding-3-small", dimensions: 768, encoding_format: "float" });
  });

  it("finds a meaning-only match: no word in common, the query's vector is the article's", async () => {
    fake.enqueue({ endpoint: "embeddings", embeddings: [await chunkVector(a.refund!.id)] });
    const res = await ctx.http("GET", `/kb/search?q=${encodeURIComponent("money back after being billed twice")}`);
    expect(res.status).toBe(200);
    expect(ids(res)[0]).toBe(a.refund!.id);
    expect(res.body.results[0].passages[0].highlight).not.toContain("<mark>");
  });

  it("finds a lexical-only match: the query's vector points at another article, its words at this one", async () => {
    fake.enqueue({ endpoint: "embeddings", embeddings: [await chunkVector(a.twofa!.id)] });
    const res = await ctx.http("GET", "/kb/search?q=ZX4471");
    expect(res.status).toBe(200);
    const hit = (res.body.results as Hit[]).find((r) => r.articleId === a.codes!.id)!;
    expect(hit.passages[0]!.highlight).toContain("<mark>ZX4471</mark>");
    // Both lists contribute: the full-text hit ranks first, the vector's favourite is still listed.
    expect(ids(res)[0]).toBe(a.codes!.id);
    expect(ids(res)).toContain(a.twofa!.id);
  });
});
