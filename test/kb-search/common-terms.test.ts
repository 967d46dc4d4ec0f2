import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../db/scoped.js";
import { SYSTEM } from "../../src/auth/actor.js";
import { analyzeQuery, fetchCandidates } from "../../src/services/kb/search-candidates.js";
import { getTermStats, invalidateTermStats } from "../../src/services/kb/term-stats.js";
import { createTestDatabase } from "../harness/database.js";
import { createArticle } from "../harness/factories.js";
import { queryRows, type DatabaseHandle } from "../../db/client.js";

// When even the rarest query term is in hundreds of chunks, the lexical list scores a bounded
// sample of them. The chunks holding several of the query's terms must be in that sample, wherever
// they sit in the index.
describe("lexical candidates when every query term is common", () => {
  let database: DatabaseHandle;
  const both: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    const article = await createArticle(db, { title: "Many", body: "-" });
    const insert = async (content: string, position: number) => {
      const [chunk] = await queryRows<{ id: string }>(db, sql`INSERT INTO kb_chunks (article_id, article_version, position, content, token_count) VALUES (${article.id}::uuid, 1, ${position}, ${content}, 10) RETURNING id`);
      return chunk!.id;
    };
    let position = 0;
    // Unrelated chunks, so that neither term is in half the KB (such terms are dropped as noise).
    await db.execute(sql`INSERT INTO kb_chunks (article_id, article_version, position, content, token_count)
      SELECT ${article.id}::uuid, 1, 10000 + g, 'Unrelated text number ' || g || ' about invoices.', 5 FROM generate_series(1, 600) g`);
    // 260 chunks about glaciers, 260 about harbours, written first...
    for (let i = 0; i < 260; i++) await insert(`Notes ${i}: the glacier moved a little today, filler words ${i}.`, position++);
    for (let i = 0; i < 260; i++) await insert(`Notes ${i}: the harbor was quiet today, filler words ${i}.`, position++);
    // ...and the three that are about both, last (so last in index order too).
    for (let i = 0; i < 3; i++) both.push(await insert(`The glacier calved into the harbor, report ${i}.`, position++));
    invalidateTermStats(db);
  }, 60_000);
  afterAll(async () => database?.close());

  it("scores the chunks holding two of the rarest terms first, and ranks them on top", async () => {
    const db = database.db;
    const stats = await getTermStats(db);
    const candidates = await runAs(db, SYSTEM, async (tx) => {
      const lexical = await analyzeQuery(tx, "glacier harbor", stats);
      expect(lexical.chunks?.narrow).toBeDefined();
      return fetchCandidates(tx, { vector: null, model: "none", lexical, avgLength: stats.avgLength, perList: 10, perQuestionList: 5 });
    });
    const chunks = candidates.filter((c) => c.list === "lc");
    expect(chunks.slice(0, 3).map((c) => c.id).sort()).toEqual([...both].sort());
  });

  it("does not narrow when a rare term already bounds the candidates", async () => {
    const stats = await getTermStats(database.db);
    const lexical = await runAs(database.db, SYSTEM, (tx) => analyzeQuery(tx, "calved harbor", stats));
    expect(lexical.chunks?.narrow).toBeUndefined();
    expect(lexical.chunks?.tsquery).toBe("'calv'");
  });
});
