import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/client.js";
import { kbArticles, kbChunks, kbLearnedQuestions } from "../../db/schema/index.js";
import type { EmbedKind, EmbedOptions, Embedder } from "../../src/ai/embeddings/embedder.js";
import { LOCAL_MODEL } from "../../src/ai/embeddings/local.js";
import { indexArticle, reindexAll } from "../../src/services/kb/indexing.js";
import { learnQuestion } from "../../src/services/kb/learned-questions.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createArticle } from "../harness/factories.js";

let ctx: TestContext;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let customer: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await signedInUser(ctx, "agent");
  customer = await signedInUser(ctx, "customer");
});
afterAll(() => ctx?.close());

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Wraps the real embedder; while closed, passage embedding waits (an index run is "in flight"). */
class GatedEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private gate: ReturnType<typeof deferred> | null = null;
  private arrived = deferred();
  constructor(private readonly inner: Embedder) {
    this.model = inner.model;
    this.dimensions = inner.dimensions;
  }
  close(): void {
    this.gate = deferred();
    this.arrived = deferred();
  }
  /** Resolves once an index run is waiting at the gate. */
  get entered(): Promise<void> {
    return this.arrived.promise;
  }
  open(): void {
    this.gate?.resolve();
    this.gate = null;
  }
  async embed(texts: string[], kind: EmbedKind, options?: EmbedOptions): Promise<number[][]> {
    if (kind === "passage" && this.gate) {
      this.arrived.resolve();
      await this.gate.promise;
    }
    return this.inner.embed(texts, kind, options);
  }
}

const deps = (embedder: Embedder = ctx.embedder) => ({ db: ctx.database.db, embedder });
const chunksOf = (articleId: string) => ctx.database.db.select().from(kbChunks).where(eq(kbChunks.articleId, articleId));
const search = (q: string, token?: string) => ctx.http("GET", `/kb/search?q=${encodeURIComponent(q)}`, { token });

describe("indexArticle", () => {
  it("chunks, embeds with the current model and records the article version", async () => {
    const article = await createArticle(ctx.database.db, { title: "Export invoices", body: "## CSV\n\nInvoices export as CSV from the billing page." });
    expect(await indexArticle(deps(), article.id)).toEqual({ status: "indexed", version: 1, chunks: 1 });
    const [chunk] = await chunksOf(article.id);
    expect(chunk).toMatchObject({ articleVersion: 1, position: 0, headingPath: ["CSV"], embeddingModel: LOCAL_MODEL });
    expect(chunk!.content).toBe("Export invoices > CSV\n\nInvoices export as CSV from the billing page.");
    expect(chunk!.embedding).toHaveLength(768);
    const norm = Math.hypot(...chunk!.embedding!);
    expect(norm).toBeCloseTo(1, 5);
  });

  it("removes the chunks of an article that is no longer published, and reports a missing one", async () => {
    const article = await createArticle(ctx.database.db, { title: "Old pricing", body: "Legacy plans cost less." });
    await indexArticle(deps(), article.id);
    await ctx.database.db.update(kbArticles).set({ status: "archived" }).where(eq(kbArticles.id, article.id));
    expect(await indexArticle(deps(), article.id)).toEqual({ status: "removed" });
    expect(await chunksOf(article.id)).toEqual([]);
    expect(await indexArticle(deps(), "00000000-0000-4000-8000-000000000000")).toEqual({ status: "missing" });
  });

  it("swaps atomically: searches during a re-index see the old version or the new one, never a mix or nothing", async () => {
    const db = ctx.database.db;
    const oldBody = `## Steps\n\n${Array.from({ length: 60 }, (_, i) => `Old step ${i}: press the blue quokka button.`).join(" ")}`;
    const newBody = `## Steps\n\n${Array.from({ length: 60 }, (_, i) => `New step ${i}: flip the green quokka switch.`).join(" ")}`;
    const article = await createArticle(db, { title: "Quokka console", body: oldBody });
    await indexArticle(deps(), article.id);
    const before = await chunksOf(article.id);
    expect(before.length).toBeGreaterThan(1);

    await db.update(kbArticles).set({ body: newBody, version: 2 }).where(eq(kbArticles.id, article.id));
    const gated = new GatedEmbedder(ctx.embedder);
    gated.close();
    const indexing = indexArticle(deps(gated), article.id);
    await gated.entered;

    // Mid-flight: customers still get the whole old version.
    const during = await search("quokka", customer.token);
    expect(during.status).toBe(200);
    const hit = during.body.results.find((r: { articleId: string }) => r.articleId === article.id);
    expect(hit.passages.length).toBeGreaterThan(0);
    for (const p of hit.passages) expect(p.text).toMatch(/^Old step/);

    // Poll while the swap happens: every observation is one complete version.
    const seen: string[] = [];
    let done = false;
    const poller = (async () => {
      while (!done) {
        const rows = await queryRows<{ versions: number[]; n: number }>(
          db,
          sql`SELECT coalesce(array_agg(DISTINCT article_version), '{}') AS versions, count(*)::int AS n FROM kb_chunks WHERE article_id = ${article.id}`,
        );
        seen.push(`${rows[0]!.versions.join(",")}:${rows[0]!.n}`);
        const res = await search("quokka switch button", customer.token);
        const texts: string[] = res.body.results.find((r: { articleId: string }) => r.articleId === article.id)?.passages.map((p: { text: string }) => p.text) ?? [];
        seen.push(texts.some((t) => t.startsWith("Old")) && texts.some((t) => t.startsWith("New")) ? "mixed" : texts.length ? "one" : "none");
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    gated.open();
    expect(await indexing).toMatchObject({ status: "indexed", version: 2 });
    done = true;
    await poller;

    expect(seen).not.toContain("mixed");
    expect(seen).not.toContain("none");
    for (const s of seen.filter((x) => x.includes(":"))) expect(s).toMatch(/^(1|2):\d+$/);
    const after = await chunksOf(article.id);
    expect(new Set(after.map((c) => c.articleVersion))).toEqual(new Set([2]));
    const res = await search("quokka", customer.token);
    const texts = res.body.results.find((r: { articleId: string }) => r.articleId === article.id).passages.map((p: { text: string }) => p.text);
    for (const t of texts) expect(t).toMatch(/^New step/);
  });

  it("gives up its swap when the article changed while it was embedding (the newer job indexes it)", async () => {
    const db = ctx.database.db;
    const article = await createArticle(db, { title: "Wombat backups", body: "Backups run nightly at two." });
    await indexArticle(deps(), article.id);
    await db.update(kbArticles).set({ body: "Backups run hourly.", version: 2 }).where(eq(kbArticles.id, article.id));
    const gated = new GatedEmbedder(ctx.embedder);
    gated.close();
    const stale = indexArticle(deps(gated), article.id);
    await gated.entered;
    await db.update(kbArticles).set({ body: "Backups run every minute.", version: 3 }).where(eq(kbArticles.id, article.id));
    gated.open();
    expect(await stale).toEqual({ status: "superseded" });
    expect((await chunksOf(article.id)).map((c) => c.articleVersion)).toEqual([1]);
    expect(await indexArticle(deps(), article.id)).toMatchObject({ status: "indexed", version: 3 });
    expect((await chunksOf(article.id))[0]!.content).toContain("every minute");
  });
});

describe("kb.embed job", () => {
  it("indexes an article published through the API, and archiving takes it out of search", async () => {
    const created = await ctx.http("POST", "/kb/articles", {
      token: agent.token,
      json: { title: "Numbat webhooks", body: "Numbat webhooks retry three times with backoff.", category: "technical", status: "published" },
    });
    expect(created.status).toBe(201);
    const ids = async () => (await search("numbat webhooks")).body.results.map((r: { articleId: string }) => r.articleId);
    expect(await ids()).not.toContain(created.body.id);
    await ctx.queue.drain();
    expect((await ids())[0]).toBe(created.body.id);

    const archived = await ctx.http("PATCH", `/kb/articles/${created.body.id}`, { token: agent.token, json: { status: "archived" } });
    expect(archived.status).toBe(200);
    await ctx.queue.drain();
    expect(await ids()).not.toContain(created.body.id);
  });
});

describe("reindexAll", () => {
  it("re-embeds chunks and learned questions of another model, reporting progress", async () => {
    const db = ctx.database.db;
    const article = await createArticle(db, { title: "Koala exports", body: "Koala exports are zipped." });
    await indexArticle(deps(), article.id);
    await learnQuestion(deps(), article.id, "where do koala zips go", "import", null);
    await db.update(kbChunks).set({ embeddingModel: "openai:old-model" }).where(eq(kbChunks.articleId, article.id));
    await db.update(kbLearnedQuestions).set({ embeddingModel: "openai:old-model" }).where(eq(kbLearnedQuestions.articleId, article.id));

    const progress: Array<[number, number]> = [];
    const summary = await reindexAll(deps(), (done, total) => progress.push([done, total]));
    expect(summary.articles).toBeGreaterThanOrEqual(1);
    expect(summary.learnedQuestions).toBe(1);
    expect(progress[0]).toEqual([0, progress[0]![1]]);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    const models = await queryRows<{ m: string }>(db, sql`SELECT DISTINCT embedding_model AS m FROM kb_chunks UNION SELECT DISTINCT embedding_model FROM kb_learned_questions`);
    expect(models.map((r) => r.m)).toEqual([LOCAL_MODEL]);

    // Up to date now: a second run has nothing to do.
    const again = await reindexAll(deps());
    expect(again).toEqual({ articles: 0, learnedQuestions: 0, removed: 0 });
  });
});
