import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbArticleVersions, kbArticles } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createArticle } from "../harness/factories.js";
import { chunkCount, embedJobs, fields, insertChunk } from "./helpers.js";

let ctx: TestContext;
let agent: Awaited<ReturnType<typeof signedInUser>>;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let customer: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  ctx = await createTestContext();
  agent = await signedInUser(ctx, "agent");
  admin = await signedInUser(ctx, "admin");
  customer = await signedInUser(ctx, "customer");
});
afterAll(() => ctx?.close());

let n = 0;
async function newArticle(status: "draft" | "published" = "draft") {
  const res = await ctx.http("POST", "/kb/articles", {
    token: agent.token,
    json: { title: `Versioned ${++n}`, body: "First body", category: "billing", tags: ["a"], status },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string; version: number };
}
const patch = (id: string, json: unknown, token = agent.token) => ctx.http("PATCH", `/kb/articles/${id}`, { token, json });
const versionsOf = async (id: string) =>
  (await ctx.database.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, id)).orderBy(asc(kbArticleVersions.version))).map(
    (v) => [v.version, v.body, v.status],
  );
const row = async (id: string) => (await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.id, id)))[0]!;

describe("PATCH /kb/articles/{id}: versions and indexing", () => {
  it("makes a new version for each content edit of a draft, without indexing it", async () => {
    const a = await newArticle();
    const res = await patch(a.id, { body: "Second body", tags: ["B", "a"] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, body: "Second body", tags: ["b", "a"], status: "draft" });
    expect(await versionsOf(a.id)).toEqual([
      [1, "First body", "draft"],
      [2, "Second body", "draft"],
    ]);
    expect(await embedJobs(ctx, a.id)).toEqual([]);
  });

  it("publishing sets published_at and queues kb.embed for the current version, without a new version", async () => {
    const a = await newArticle();
    const res = await patch(a.id, { status: "published" });
    expect(res.body).toMatchObject({ status: "published", version: 1 });
    expect(res.body.publishedAt).not.toBeNull();
    expect(await embedJobs(ctx, a.id)).toEqual([1]);
    expect(await versionsOf(a.id)).toHaveLength(1);
  });

  it("every edit of a published article makes a version and queues kb.embed for it", async () => {
    const a = await newArticle("published");
    expect(await embedJobs(ctx, a.id)).toEqual([1]);
    await patch(a.id, { body: "Edited once" });
    await patch(a.id, { title: "Versioned, renamed" });
    expect(await embedJobs(ctx, a.id)).toEqual([1, 2, 3]);
    expect((await versionsOf(a.id)).map((v) => v[0])).toEqual([1, 2, 3]);
    expect((await row(a.id)).version).toBe(3);
  });

  it("a patch that changes nothing writes nothing", async () => {
    const a = await newArticle("published");
    const before = await row(a.id);
    const res = await patch(a.id, { body: "First body", status: "published", tags: ["A"] });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect((await row(a.id)).updatedAt).toEqual(before.updatedAt);
    expect(await embedJobs(ctx, a.id)).toEqual([1]);
  });

  it("archiving deletes the article's chunks at once and hides it; republishing re-queues and keeps published_at", async () => {
    const a = await newArticle("published");
    const publishedAt = (await row(a.id)).publishedAt;
    await insertChunk(ctx, a.id, 1);
    expect(await chunkCount(ctx, a.id)).toBe(1);

    const archived = await patch(a.id, { status: "archived" });
    expect(archived.body).toMatchObject({ status: "archived", version: 1 });
    expect(await chunkCount(ctx, a.id)).toBe(0);
    expect((await ctx.http("GET", `/kb/articles/${a.slug}`, { token: customer.token })).status).toBe(404);

    const republished = await patch(a.id, { status: "published" });
    expect(republished.body.status).toBe("published");
    expect(await embedJobs(ctx, a.id)).toEqual([1, 1]);
    expect((await row(a.id)).publishedAt).toEqual(publishedAt);
  });

  it("unpublishing to draft also deletes chunks", async () => {
    const a = await newArticle("published");
    await insertChunk(ctx, a.id, 1);
    await patch(a.id, { status: "draft" });
    expect(await chunkCount(ctx, a.id)).toBe(0);
  });

  it("answers 409 CONFLICT when expectedVersion is stale, and changes nothing", async () => {
    const a = await newArticle();
    await patch(a.id, { body: "Someone else's edit" });
    const res = await patch(a.id, { body: "My edit", expectedVersion: 1 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
    expect((await row(a.id)).body).toBe("Someone else's edit");
    expect((await patch(a.id, { body: "My edit", expectedVersion: 2 })).body.version).toBe(3);
  });

  it("renames the slug, 409 when it is taken", async () => {
    const a = await newArticle();
    const b = await newArticle();
    expect((await patch(a.id, { slug: "renamed-slug" })).body.slug).toBe("renamed-slug");
    const res = await patch(b.id, { slug: "renamed-slug" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("SLUG_TAKEN");
  });

  it("answers 400 naming each bad field", async () => {
    const a = await newArticle();
    expect((await patch(a.id, {})).status).toBe(400);
    expect((await patch(a.id, { expectedVersion: 1 })).status).toBe(400);
    expect(fields(await patch(a.id, { category: "gossip" }))).toEqual(["body.category"]);
    expect(fields(await patch(a.id, { status: "deleted" }))).toEqual(["body.status"]);
    expect(fields(await patch(a.id, { body: "" }))).toEqual(["body.body"]);
    const unknown = await patch(a.id, { version: 7 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/unrecognized key.*"version"/i);
    expect((await patch("not-a-uuid", { body: "x" })).status).toBe(400);
    expect((await row(a.id)).version).toBe(1);
  });

  it("lets only staff edit: customers 403, visitors 401, unknown ids 404", async () => {
    const a = await newArticle("published");
    expect((await patch(a.id, { body: "defaced" }, customer.token)).status).toBe(403);
    expect((await ctx.http("PATCH", `/kb/articles/${a.id}`, { json: { body: "defaced" } })).status).toBe(401);
    expect((await patch("0d4c6a2e-1111-4222-8333-444455556666", { body: "x" }, admin.token)).status).toBe(404);
    expect((await row(a.id)).body).toBe("First body");
  });
});

describe("GET /kb/articles/{id}/versions and /versions/{version}", () => {
  it("lists the history newest first and returns one version with rendered HTML", async () => {
    const a = await newArticle();
    await patch(a.id, { body: "Second <b>body</b>" });
    const list = await ctx.http("GET", `/kb/articles/${a.id}/versions`, { token: agent.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(list.body.data[0]).toMatchObject({ articleId: a.id, authorId: agent.user.id, status: "draft" });
    expect(list.body.data[0]).not.toHaveProperty("body");

    const one = await ctx.http("GET", `/kb/articles/${a.id}/versions/2`, { token: admin.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ version: 2, body: "Second <b>body</b>", html: "<p>Second &lt;b&gt;body&lt;/b&gt;</p>" });
  });

  it("answers 404 for an unknown article or version and 400 for a bad version", async () => {
    const a = await newArticle();
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions/9`, { token: agent.token })).status).toBe(404);
    expect((await ctx.http("GET", "/kb/articles/0d4c6a2e-1111-4222-8333-444455556666/versions", { token: agent.token })).status).toBe(404);
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions/first`, { token: agent.token })).status).toBe(400);
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions/0`, { token: agent.token })).status).toBe(400);
  });

  it("is staff only, even for published articles", async () => {
    const a = await newArticle("published");
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions`, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions`)).status).toBe(401);
    expect((await ctx.http("GET", `/kb/articles/${a.id}/versions/1`, { token: customer.token })).status).toBe(403);
  });
});

describe("POST /kb/articles/{id}/revert", () => {
  it("restores an old version's content as a new version, keeping the history", async () => {
    const a = await newArticle("published");
    await patch(a.id, { body: "Bad edit", category: "technical" });
    const res = await ctx.http("POST", `/kb/articles/${a.id}/revert`, { token: agent.token, json: { version: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, body: "First body", category: "billing", status: "published" });
    expect(await versionsOf(a.id)).toEqual([
      [1, "First body", "published"],
      [2, "Bad edit", "published"],
      [3, "First body", "published"],
    ]);
    expect(await embedJobs(ctx, a.id)).toEqual([1, 2, 3]);
  });

  it("does not queue indexing for a draft", async () => {
    const a = await newArticle();
    await patch(a.id, { body: "Second" });
    expect((await ctx.http("POST", `/kb/articles/${a.id}/revert`, { token: agent.token, json: { version: 1 } })).body.version).toBe(3);
    expect(await embedJobs(ctx, a.id)).toEqual([]);
  });

  it("answers 404 for an unknown version, 400 for bad input, 403/401 for non-staff", async () => {
    const a = await newArticle("published");
    expect((await ctx.http("POST", `/kb/articles/${a.id}/revert`, { token: agent.token, json: { version: 5 } })).status).toBe(404);
    expect(fields(await ctx.http("POST", `/kb/articles/${a.id}/revert`, { token: agent.token, json: { version: "one" } }))).toEqual(["body.version"]);
    expect((await ctx.http("POST", `/kb/articles/${a.id}/revert`, { token: customer.token, json: { version: 1 } })).status).toBe(403);
    expect((await ctx.http("POST", `/kb/articles/${a.id}/revert`, { json: { version: 1 } })).status).toBe(401);
    expect((await row(a.id)).version).toBe(1);
  });
});

describe("seeded articles", () => {
  it("can be edited like any other (the factory writes no version row; the edit still gets version 2)", async () => {
    const a = await createArticle(ctx.database.db, { title: "Factory article", status: "published" });
    const res = await patch(a.id, { body: "Edited" });
    expect(res.body.version).toBe(2);
    expect(await embedJobs(ctx, a.id)).toEqual([2]);
  });
});
