import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import { kbArticles } from "../../db/schema/index.js";
import { ANONYMOUS, SYSTEM, type Actor } from "../../src/auth/actor.js";
import { createEmbedder } from "../../src/ai/embeddings/index.js";
import { loadConfig } from "../../src/config.js";
import { indexArticle } from "../../src/services/kb/indexing.js";
import { createTestDatabase } from "../harness/database.js";
import { createArticle, createTeam, createTicket, createUser } from "../harness/factories.js";

// Migrations 0005/0006 find full-text and trigram matches through SECURITY DEFINER functions,
// because under RLS those conditions cannot use their indexes. Each function restates its
// table's read policy; here, for every kind of caller, the function must return exactly the
// rows the policy lets that caller read — no more (it would leak what other people wrote), no
// fewer (search would miss rows).

let handle: DatabaseHandle;
const actors: Record<string, Actor> = {};
const asUser = (u: { id: string; role: "customer" | "agent" | "admin"; email: string; fullName: string }): Actor => ({ kind: "user", ...u });
const sorted = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  const [a, b, member, assignee, outsider, admin] = await Promise.all([
    createUser(db, { role: "customer" }),
    createUser(db, { role: "customer" }),
    createUser(db, { role: "agent" }),
    createUser(db, { role: "agent" }),
    createUser(db, { role: "agent" }),
    createUser(db, { role: "admin" }),
  ]);
  Object.assign(actors, {
    customerA: asUser(a!), customerB: asUser(b!), teamMember: asUser(member!), assignee: asUser(assignee!), outsider: asUser(outsider!), admin: asUser(admin!),
    system: SYSTEM, anonymous: ANONYMOUS,
  });
  const team = await createTeam(db, { members: [member!.id] });
  const other = await createTeam(db, {});
  await createTicket(db, { customerId: a!.id, teamId: team.id, subject: "Refund for order 1" });
  await createTicket(db, { customerId: b!.id, teamId: other.id, subject: "Refund for order 2" });
  await createTicket(db, { customerId: b!.id, teamId: other.id, assigneeId: assignee!.id, subject: "Refund for order 3" });
  await createTicket(db, { customerId: a!.id, subject: "Refund unrouted" });

  const embedder = createEmbedder(loadConfig({ LOG_LEVEL: "silent" }));
  const published = await createArticle(db, { title: "Refund policy", body: "Refunds arrive within five days." });
  const draft = await createArticle(db, { title: "Refund draft", body: "Refunds, the unpublished version." });
  for (const article of [published, draft]) await indexArticle({ db, embedder }, article.id);
  // Unpublished after indexing: its chunks linger until the next index job removes them.
  await db.update(kbArticles).set({ status: "draft" }).where(sql`${kbArticles.id} = ${draft.id}`);
});
afterAll(() => handle?.close());

describe("search functions agree with the read policies", () => {
  it("app_tickets_matching_text returns exactly the tickets each caller may read", async () => {
    for (const [name, actor] of Object.entries(actors)) {
      const [viaPolicy, viaFunction] = await runAs(handle.db, actor, async (tx) => [
        sorted(await queryRows<{ id: string }>(tx, sql`SELECT id FROM tickets WHERE subject ILIKE '%refund%'`)),
        sorted(await queryRows<{ id: string }>(tx, sql`SELECT app_tickets_matching_text('%Refund%') AS id`)),
      ]);
      expect(viaFunction, name).toEqual(viaPolicy);
    }
    // And the cases differ, so the comparison above means something.
    const visible = async (actor: Actor) => (await runAs(handle.db, actor, (tx) => queryRows(tx, sql`SELECT app_tickets_matching_text('%') AS id`))).length;
    expect([await visible(actors.customerA!), await visible(actors.teamMember!), await visible(actors.assignee!), await visible(actors.admin!), await visible(actors.anonymous!)]).toEqual([2, 2, 2, 4, 0]);
  });

  it("app_kb_chunks_matching returns exactly the chunks each caller may read", async () => {
    for (const [name, actor] of Object.entries(actors)) {
      const [viaPolicy, viaFunction] = await runAs(handle.db, actor, async (tx) => [
        sorted(await queryRows<{ id: string }>(tx, sql`SELECT id FROM kb_chunks WHERE tsv @@ 'refund'::tsquery`)),
        sorted(await queryRows<{ id: string }>(tx, sql`SELECT app_kb_chunks_matching('refund'::tsquery, 1000) AS id`)),
      ]);
      expect(viaFunction, name).toEqual(viaPolicy);
      expect(viaFunction.length, name).toBe(actor.kind === "user" && actor.role === "customer" ? 1 : actor.kind === "anonymous" ? 1 : 2);
    }
  });
});

// Migration 0008: chunks and learned questions carry their article's published flag, kept by
// triggers; the read policies test it. The flag must follow the article in the same transaction
// and cannot be set by whoever writes the row.
describe("the published flag behind the KB read policies", () => {
  const customerSees = async (table: "kb_chunks" | "kb_learned_questions", articleId: string) =>
    (await runAs(handle.db, actors.customerA!, (tx) => queryRows(tx, sql`SELECT id FROM ${sql.raw(table)} WHERE article_id = ${articleId}::uuid`))).length;

  it("follows the article's status at once, for chunks and learned questions", async () => {
    const db = handle.db;
    const embedder = createEmbedder(loadConfig({ LOG_LEVEL: "silent" }));
    const article = await createArticle(db, { title: "Flag follows status", body: "## One\n\nSome text.\n\n## Two\n\nMore text." });
    await indexArticle({ db, embedder }, article.id);
    await db.execute(sql`INSERT INTO kb_learned_questions (article_id, question, source) VALUES (${article.id}::uuid, 'does the flag follow?', 'import')`);
    expect([await customerSees("kb_chunks", article.id), await customerSees("kb_learned_questions", article.id)]).toEqual([1, 1]);

    await runAs(db, actors.admin!, async (tx) => {
      await tx.update(kbArticles).set({ status: "archived" }).where(sql`${kbArticles.id} = ${article.id}`);
      // Within the same transaction the rows are already hidden from customers' policy.
      const flags = await queryRows<{ published: boolean }>(tx, sql`SELECT published FROM kb_chunks WHERE article_id = ${article.id}::uuid`);
      expect(flags.every((f) => f.published === false)).toBe(true);
    });
    expect([await customerSees("kb_chunks", article.id), await customerSees("kb_learned_questions", article.id)]).toEqual([0, 0]);

    await db.update(kbArticles).set({ status: "published" }).where(sql`${kbArticles.id} = ${article.id}`);
    expect([await customerSees("kb_chunks", article.id), await customerSees("kb_learned_questions", article.id)]).toEqual([1, 1]);
  });

  it("cannot be set by a writer: the triggers overwrite it from the article", async () => {
    const db = handle.db;
    const draft = await createArticle(db, { title: "Still a draft", status: "draft" });
    await runAs(db, actors.admin!, (tx) =>
      tx.execute(sql`INSERT INTO kb_chunks (article_id, article_version, position, content, token_count, published) VALUES (${draft.id}::uuid, 1, 0, 'secret draft text', 3, true)`),
    );
    await runAs(db, actors.admin!, (tx) => tx.execute(sql`UPDATE kb_chunks SET published = true WHERE article_id = ${draft.id}::uuid`));
    await db.execute(sql`INSERT INTO kb_learned_questions (article_id, question, source, published) VALUES (${draft.id}::uuid, 'a secret question', 'import', true)`);
    expect([await customerSees("kb_chunks", draft.id), await customerSees("kb_learned_questions", draft.id)]).toEqual([0, 0]);
    const [flag] = await queryRows<{ published: boolean }>(db, sql`SELECT published FROM kb_chunks WHERE article_id = ${draft.id}::uuid`);
    expect(flag!.published).toBe(false);
  });

  it("is recomputed when a row moves to another article", async () => {
    const db = handle.db;
    const from = await createArticle(db, { title: "Moves from a draft", status: "draft" });
    const to = await createArticle(db, { title: "Moves to a published one", status: "published" });
    await db.execute(sql`INSERT INTO kb_chunks (article_id, article_version, position, content, token_count) VALUES (${from.id}::uuid, 1, 0, 'moving text', 2)`);
    await db.execute(sql`UPDATE kb_chunks SET article_id = ${to.id}::uuid WHERE article_id = ${from.id}::uuid`);
    expect(await customerSees("kb_chunks", to.id)).toBe(1);
    await db.execute(sql`UPDATE kb_chunks SET article_id = ${from.id}::uuid WHERE article_id = ${to.id}::uuid`);
    expect(await customerSees("kb_chunks", from.id)).toBe(0);
  });
});
