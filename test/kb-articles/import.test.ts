import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kbArticleVersions, kbArticles } from "../../db/schema/index.js";
import { formatProgress, importJsonl, importMarkdownDir } from "../../src/services/kb/import.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { embedJobs, systemContext } from "./helpers.js";

let ctx: TestContext;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  dir = mkdtempSync(join(tmpdir(), "autocrm-kb-import-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await ctx?.close();
});

const article = (front: Record<string, string>, body: string) =>
  `---\n${Object.entries(front).map(([k, v]) => `${k}: ${v}`).join("\n")}\n---\n\n${body}\n`;
const bySlug = async (slug: string) => (await ctx.database.db.select().from(kbArticles).where(eq(kbArticles.slug, slug)))[0];

describe("importMarkdownDir", () => {
  it("imports markdown files, reports broken ones, and is idempotent by slug", async () => {
    const md = join(dir, "md");
    mkdirSync(md);
    writeFileSync(join(md, "reset-password.md"), article({ title: "Reset your password", category: "account", tags: "[Login, Security]", status: "published" }, "## Steps\n\nClick **Forgot**."));
    writeFileSync(join(md, "refunds.md"), article({ title: "Refunds", category: "billing" }, "Refunds take 5 days. <script>alert(1)</script>"));
    writeFileSync(join(md, "no-front-matter.md"), "# Just markdown\n");
    writeFileSync(join(md, "bad-category.md"), article({ title: "Gossip", category: "gossip" }, "Text"));
    writeFileSync(join(md, "notes.txt"), "not markdown, ignored");

    const progress: [number, number][] = [];
    const notified = { count: 0 };
    const first = await importMarkdownDir(systemContext(ctx, notified), md, (done, total) => progress.push([done, total]));
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(first.failed.map((f) => f.source).sort()).toEqual(["bad-category.md", "no-front-matter.md"]);
    expect(first.failed.find((f) => f.source === "bad-category.md")!.error).toMatch(/category: unknown category "gossip"/);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(notified.count).toBe(1);

    const reset = await bySlug("reset-password");
    expect(reset).toMatchObject({ title: "Reset your password", category: "account", tags: ["login", "security"], status: "published", version: 1 });
    expect(await embedJobs(ctx, reset!.id)).toEqual([1]);
    const refunds = await bySlug("refunds");
    expect(refunds).toMatchObject({ status: "draft", body: "Refunds take 5 days. <script>alert(1)</script>" });
    expect(await embedJobs(ctx, refunds!.id)).toEqual([]);

    const again = await importMarkdownDir(systemContext(ctx), md);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(again.failed).toHaveLength(2);
    expect(await embedJobs(ctx, reset!.id)).toEqual([1]);

    writeFileSync(join(md, "reset-password.md"), article({ title: "Reset your password", category: "account", tags: "[login, security]", status: "published" }, "## Steps\n\nClick **Forgot password**."));
    const changed = await importMarkdownDir(systemContext(ctx), md);
    expect(changed).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await bySlug("reset-password")).toMatchObject({ version: 2, body: "## Steps\n\nClick **Forgot password**." });
    const versions = await ctx.database.db.select().from(kbArticleVersions).where(eq(kbArticleVersions.articleId, reset!.id));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(await embedJobs(ctx, reset!.id)).toEqual([1, 2]);
  });

  it("reports two files that map to one slug instead of letting them overwrite each other", async () => {
    const md = mkdtempSync(join(dir, "dupes-"));
    writeFileSync(join(md, "Same Name.md"), article({ title: "One", category: "general" }, "One"));
    writeFileSync(join(md, "same-name.md"), article({ title: "Two", category: "general" }, "Two"));
    const result = await importMarkdownDir(systemContext(ctx), md);
    expect(result.created).toBe(1);
    expect(result.failed).toEqual([{ source: "same-name.md", error: 'slug "same-name" is also used by Same Name.md' }]);
  });

  it("is refused to customers", async () => {
    const { user } = await signedInUser(ctx, "customer");
    const customerCtx = { ...systemContext(ctx), actor: { kind: "user" as const, id: user.id, role: "customer" as const, email: user.email, fullName: user.fullName } };
    await expect(importMarkdownDir(customerCtx, dir)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("importJsonl", () => {
  it("imports the canonical {id,title,body} lines as published general articles, idempotently", async () => {
    const file = join(dir, "articles.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ id: "Cancel_Order", title: "Cancel order", body: "Go to your orders and click Cancel." }),
        "",
        "{ not json",
        JSON.stringify({ id: "sf-1", title: "Delete account", body: "Settings → Delete." }),
        JSON.stringify({ id: "sf-2", title: "No body" }),
      ].join("\n"),
    );
    const first = await importJsonl(systemContext(ctx), file);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(first.failed.map((f) => f.source)).toEqual(["articles.jsonl:3", "articles.jsonl:5"]);
    expect(first.failed[1]!.error).toMatch(/^body:/);

    const cancel = await bySlug("cancel-order");
    expect(cancel).toMatchObject({ title: "Cancel order", category: "general", tags: [], status: "published", metadata: { externalId: "Cancel_Order" } });
    expect(await embedJobs(ctx, cancel!.id)).toEqual([1]);

    const again = await importJsonl(systemContext(ctx), file);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await embedJobs(ctx, cancel!.id)).toEqual([1]);
  });

  it("imports more than one batch and reports progress per batch", async () => {
    const file = join(dir, "many.jsonl");
    writeFileSync(file, Array.from({ length: 230 }, (_, i) => JSON.stringify({ id: `many-${i}`, title: `Many ${i}`, body: `Body ${i}` })).join("\n"));
    const progress: number[] = [];
    const result = await importJsonl(systemContext(ctx), file, (done) => progress.push(done));
    expect(result).toMatchObject({ created: 230, failed: [] });
    expect(progress).toEqual([0, 100, 200, 230]);
  });

  it("when the database rejects one article, imports the rest of its batch and reports only that one", async () => {
    // A constraint the validators know nothing about stands in for any database-level failure.
    await ctx.database.db.execute(sql`ALTER TABLE kb_articles ADD CONSTRAINT test_no_boom CHECK (title <> 'Boom')`);
    try {
      const file = join(dir, "boom.jsonl");
      const titles = ["Fine one", "Boom", "Fine two"];
      writeFileSync(file, titles.map((title, i) => JSON.stringify({ id: `boom-${i}`, title, body: "Body" })).join("\n"));
      const result = await importJsonl(systemContext(ctx), file);
      expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
      expect(result.failed.map((f) => f.source)).toEqual(["boom.jsonl:2"]);
      expect(await bySlug("boom-0")).toBeDefined();
      expect(await bySlug("boom-1")).toBeUndefined();
      expect(await bySlug("boom-2")).toBeDefined();
    } finally {
      await ctx.database.db.execute(sql`ALTER TABLE kb_articles DROP CONSTRAINT test_no_boom`);
    }
  });
});

describe("formatProgress", () => {
  it("draws a bar", () => {
    expect(formatProgress(5, 10, 10)).toBe("[#####.....]  50% 5/10");
    expect(formatProgress(0, 0, 4)).toBe("[####] 100% 0/0");
  });
});
