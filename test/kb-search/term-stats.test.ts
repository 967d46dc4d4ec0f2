import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import { getTermStats } from "../../src/services/kb/term-stats.js";
import { createTestDatabase } from "../harness/database.js";
import { createArticle } from "../harness/factories.js";

// Term statistics are kept in memory and refreshed by age for changes other processes make; a
// refresh recounts only when the chunks actually changed.
describe("getTermStats", () => {
  let database: DatabaseHandle;
  let articleId: string;
  let now = Date.now();
  const later = (minutes: number) => {
    now += minutes * 60_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
  };
  const addChunk = (content: string, position: number) =>
    database.db.execute(sql`INSERT INTO kb_chunks (article_id, article_version, position, content, token_count) VALUES (${articleId}::uuid, 1, ${position}, ${content}, 3)`);

  beforeAll(async () => {
    database = await createTestDatabase();
    articleId = (await createArticle(database.db, { title: "T", body: "-" })).id;
    await addChunk("the first chunk mentions invoices", 0);
  });
  afterEach(() => vi.restoreAllMocks());
  /** The stats once any refresh started by this call has finished (or 2 s have passed). */
  const settled = async (previous: Awaited<ReturnType<typeof getTermStats>>) => {
    let stats = await getTermStats(database.db);
    for (let i = 0; i < 20 && stats === previous; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await getTermStats(database.db);
    }
    return stats;
  };
  afterAll(async () => database?.close());

  it("picks up another process's new chunks once its snapshot is old, and keeps it while nothing changed", async () => {
    const first = await getTermStats(database.db);
    expect(first.documentFrequency("invoic")).toBe(1);
    expect(first.documentFrequency("refund")).toBe(0);

    // Written as if by another process: nothing tells this one.
    await addChunk("a second chunk about refunds", 1);
    expect(await getTermStats(database.db)).toBe(first);

    // (A recount that took long runs in the background, so the new counts may take a moment.)
    later(6);
    const second = await settled(first);
    expect(second).not.toBe(first);
    expect(second.documentFrequency("refund")).toBe(1);
    expect(second.documents).toBe(2);

    later(6);
    expect(await settled(second)).toBe(second);
  });
});
