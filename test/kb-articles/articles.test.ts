import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbArticleVersions, kbArticles } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createArticle } from "../harness/factories.js";
import { fields } from "./helpers.js";

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

const SCRIPT = "<script>alert(1)</script>";

describe("POST /kb/articles", () => {
  it("creates a draft with a derived slug, lower-cased tags and version 1", async () => {
    const res = await ctx.http("POST", "/kb/articles", {
      token: agent.token,
      json: { title: "Reset your password", body: "## Steps\n\n1. Click **Forgot**", category: "account", tags: ["Login", "login", " Password "] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: "reset-your-password",
      title: "Reset your password",
      status: "draft",
      category: "account",
      tags: ["login", "password"],
      version: 1,
      publishedAt: null,
      authorId: agent.user.id,
      helpfulCount: 0,
    });
    expect(res.body.html).toBe("<h2>Steps</h2>\n<ol>\n<li>Click <strong>Forgot</strong></li>\n</ol>");
    const versions = await ctx.database.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, res.body.id));
    expect(versions.map((v) => [v.version, v.title, v.status])).toEqual([[1, "Reset your password", "draft"]]);
  });

  it("stores markdown with a script tag as written and renders it escaped", async () => {
    const body = `Before\n\n${SCRIPT}\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>`;
    const res = await ctx.http("POST", "/kb/articles", {
      token: admin.token,
      json: { title: "Hostile markup", body, category: "technical", status: "published" },
    });
    expect(res.status).toBe(201);
    const [row] = await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.id, res.body.id));
    expect(row!.body).toBe(body);
    const got = await ctx.http("GET", "/kb/articles/hostile-markup");
    expect(got.body.body).toBe(body);
    expect(got.body.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(got.body.html).not.toMatch(/<script|<img|href="javascript/i);
    expect(got.body.html).toContain("<p>click &lt;img src=x onerror=alert(1)&gt;</p>");
  });

  it("answers 409 SLUG_TAKEN for a duplicate slug, explicit or derived", async () => {
    await createArticle(ctx.database.db, { slug: "taken-slug", title: "Taken slug" });
    const explicit = await ctx.http("POST", "/kb/articles", {
      token: agent.token,
      json: { title: "Other", slug: "taken-slug", body: "x", category: "general" },
    });
    expect(explicit.status).toBe(409);
    expect(explicit.body.code).toBe("SLUG_TAKEN");
    const derived = await ctx.http("POST", "/kb/articles", { token: agent.token, json: { title: "Taken Slug!", body: "x", category: "general" } });
    expect(derived.status).toBe(409);
  });

  it("answers 400 naming body.category for an unknown category", async () => {
    const res = await ctx.http("POST", "/kb/articles", { token: agent.token, json: { title: "T", body: "x", category: "gossip" } });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(["body.category"]);
    expect(res.body.detail).toContain("getting-started");
  });

  it("answers 400 naming each bad field", async () => {
    const res = await ctx.http("POST", "/kb/articles", {
      token: agent.token,
      json: { title: "", body: "x".repeat(100_001), category: "general", tags: Array.from({ length: 21 }, (_, i) => `t${i}`), status: "live" },
    });
    expect(res.status).toBe(400);
    expect(fields(res).sort()).toEqual(["body.body", "body.status", "body.tags", "body.title"]);
    const slug = await ctx.http("POST", "/kb/articles", { token: agent.token, json: { title: "T", slug: "Not A Slug", body: "x", category: "general" } });
    expect(fields(slug)).toEqual(["body.slug"]);
    const uuidSlug = await ctx.http("POST", "/kb/articles", {
      token: agent.token,
      json: { title: "T", slug: "0d4c6a2e-1111-4222-8333-444455556666", body: "x", category: "general" },
    });
    expect(fields(uuidSlug)).toEqual(["body.slug"]);
    const unicode = await ctx.http("POST", "/kb/articles", { token: agent.token, json: { title: "日本語", body: "x", category: "general" } });
    expect(fields(unicode)).toEqual(["body.slug"]);
  });

  it("answers 400, not 500, for NUL characters Postgres cannot store", async () => {
    const res = await ctx.http("POST", "/kb/articles", { token: agent.token, json: { title: "Nul\u0000", body: "x\u0000", category: "general", tags: ["a\u0000"] } });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(["body.title"]);
    expect(fields(await ctx.http("GET", "/kb/articles?q=%00"))).toEqual(["query.q"]);
    expect((await ctx.http("GET", "/kb/articles/a%00b")).status).toBe(404);
  });

  it("is for staff only", async () => {
    const json = { title: "Nope", body: "x", category: "general" };
    expect((await ctx.http("POST", "/kb/articles", { json })).status).toBe(401);
    const res = await ctx.http("POST", "/kb/articles", { token: customer.token, json });
    expect(res.status).toBe(403);
    expect(await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.slug, "nope"))).toHaveLength(0);
  });
});

describe("GET /kb/articles/{idOrSlug}", () => {
  it("finds a published article by slug or id for anyone", async () => {
    const a = await createArticle(ctx.database.db, { title: "Published by slug", status: "published" });
    for (const key of [a.slug, a.id]) {
      const res = await ctx.http("GET", `/kb/articles/${key}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: a.id, slug: a.slug, status: "published" });
      expect(res.body).not.toHaveProperty("metadata");
      expect(res.body).not.toHaveProperty("authorId");
    }
    const staff = await ctx.http("GET", `/kb/articles/${a.slug}`, { token: agent.token });
    expect(staff.body).toHaveProperty("metadata");
  });

  it("hides drafts and archived articles from customers and visitors (404), not from staff", async () => {
    const draft = await createArticle(ctx.database.db, { title: "Secret draft", status: "draft" });
    const archived = await createArticle(ctx.database.db, { title: "Old archived", status: "archived" });
    for (const a of [draft, archived]) {
      for (const token of [undefined, customer.token]) {
        for (const key of [a.slug, a.id]) {
          const res = await ctx.http("GET", `/kb/articles/${key}`, { token });
          expect(res.status).toBe(404);
          expect(res.body.code).toBe("ARTICLE_NOT_FOUND");
        }
      }
      expect((await ctx.http("GET", `/kb/articles/${a.slug}`, { token: agent.token })).body.status).toBe(a.status);
    }
  });

  it("answers 404 for unknown ids and slugs", async () => {
    expect((await ctx.http("GET", "/kb/articles/no-such-article", { token: admin.token })).status).toBe(404);
    expect((await ctx.http("GET", "/kb/articles/0d4c6a2e-1111-4222-8333-444455556666", { token: admin.token })).status).toBe(404);
  });
});

describe("GET /kb/articles", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const db = ctx.database.db;
    // A second apart: rows written within one clock tick (PGlite's clock ticks in ms) would
    // tie on updated_at and fall back to id order, which is not the order of creation.
    let second = 0;
    const make = async (slug: string, status: "draft" | "published" | "archived", category: string, tags: string[]) =>
      (await createArticle(db, { slug, title: `List ${slug}`, status, category, tags, updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, ++second)) })).id;
    ids = {
      pub1: await make("list-pub-1", "published", "billing", ["refund"]),
      pub2: await make("list-pub-2", "published", "billing", ["invoice"]),
      pub3: await make("list-pub-3", "published", "account", ["refund"]),
      draft: await make("list-draft", "draft", "billing", ["refund"]),
      archived: await make("list-archived", "archived", "billing", []),
    };
  });

  const listed = async (query: string, token?: string) => {
    const res = await ctx.http("GET", `/kb/articles?${query}`, { token });
    expect(res.status).toBe(200);
    return (res.body.data as { id: string }[]).map((a) => a.id);
  };

  it("shows customers and visitors published articles only, whatever status they ask for", async () => {
    for (const token of [undefined, customer.token]) {
      expect(await listed("q=List&limit=100", token)).toEqual([ids.pub3, ids.pub2, ids.pub1]);
      expect(await listed("q=List&status=draft", token)).toEqual([]);
    }
  });

  it("shows staff every status, with filters by status, category, tag and title", async () => {
    expect(await listed("q=List&limit=100", agent.token)).toEqual([ids.archived, ids.draft, ids.pub3, ids.pub2, ids.pub1]);
    expect(await listed("q=list&status=draft", agent.token)).toEqual([ids.draft]);
    expect(await listed("q=List&category=billing&tag=REFUND", agent.token)).toEqual([ids.draft, ids.pub1]);
    expect(await listed("q=pub-2", agent.token)).toEqual([ids.pub2]);
    expect(await listed("q=%25", agent.token)).toEqual([]);
  });

  it("pages with an opaque cursor, without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ctx.http("GET", `/kb/articles?q=List&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: agent.token });
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((a: { id: string }) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.archived, ids.draft, ids.pub3, ids.pub2, ids.pub1]);
  });

  it("answers 400 for an unknown category, bad status, limit or cursor", async () => {
    const cat = await ctx.http("GET", "/kb/articles?category=gossip");
    expect(cat.status).toBe(400);
    expect(fields(cat)).toEqual(["query.category"]);
    expect(fields(await ctx.http("GET", "/kb/articles?status=live"))).toEqual(["query.status"]);
    expect(fields(await ctx.http("GET", "/kb/articles?limit=0"))).toEqual(["query.limit"]);
    expect(fields(await ctx.http("GET", "/kb/articles?cursor=nope"))).toEqual(["query.cursor"]);
  });
});

describe("OpenAPI", () => {
  it("documents the KB article routes", async () => {
    const paths = (await ctx.http("GET", "/openapi.json")).body.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/kb/categories",
        "/kb/articles",
        "/kb/articles/{idOrSlug}",
        "/kb/articles/{id}",
        "/kb/articles/{id}/versions",
        "/kb/articles/{id}/versions/{version}",
        "/kb/articles/{id}/revert",
        "/kb/articles/{idOrSlug}/feedback",
        "/kb/articles/{id}/feedback",
      ]),
    );
    expect(Object.keys(paths["/kb/articles"])).toEqual(["get", "post"]);
  });
});

describe("GET /kb/categories", () => {
  it("lists the fixed categories to anyone", async () => {
    const res = await ctx.http("GET", "/kb/categories");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(["getting-started", "account", "billing", "technical", "general"]);
  });
});

describe("DELETE /kb/articles/{id}", () => {
  it("lets admins delete a never-published article", async () => {
    const a = await createArticle(ctx.database.db, { title: "Throwaway draft", status: "draft" });
    const res = await ctx.http("DELETE", `/kb/articles/${a.id}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect(await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.id, a.id))).toHaveLength(0);
  });

  it("refuses (409) to delete an article that was ever published: archive it instead", async () => {
    const created = await ctx.http("POST", "/kb/articles", {
      token: admin.token,
      json: { title: "Was live once", body: "x", category: "general", status: "published" },
    });
    await ctx.http("PATCH", `/kb/articles/${created.body.id}`, { token: admin.token, json: { status: "draft" } });
    const res = await ctx.http("DELETE", `/kb/articles/${created.body.id}`, { token: admin.token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("CONFLICT");
  });

  it("is for admins only, and 404s unknown ids", async () => {
    const a = await createArticle(ctx.database.db, { title: "Agent cannot delete", status: "draft" });
    expect((await ctx.http("DELETE", `/kb/articles/${a.id}`, { token: agent.token })).status).toBe(403);
    expect((await ctx.http("DELETE", `/kb/articles/${a.id}`, { token: customer.token })).status).toBe(403);
    expect((await ctx.http("DELETE", `/kb/articles/${a.id}`)).status).toBe(401);
    expect((await ctx.http("DELETE", "/kb/articles/not-a-uuid", { token: admin.token })).status).toBe(400);
    expect((await ctx.http("DELETE", "/kb/articles/0d4c6a2e-1111-4222-8333-444455556666", { token: admin.token })).status).toBe(404);
    expect(await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.id, a.id))).toHaveLength(1);
  });
});
