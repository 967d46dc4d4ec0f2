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
