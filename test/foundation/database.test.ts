import { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, pgliteOptions, queryRows, type DatabaseHandle } from "../../db/client.js";
import { runMigrations } from "../../db/migrate.js";
import { EMBEDDING_DIMENSIONS, kbArticles, kbChunks, tickets, users } from "../../db/schema/index.js";
import { startPgliteServer } from "../harness/pglite-server.js";
import { freePort } from "../harness/processes.js";

const unit = (i: number) => Array.from({ length: EMBEDDING_DIMENSIONS }, (_, j) => (j === i ? 1 : 0));

/** The same migrations and queries, whichever driver runs them. */
async function exercise(handle: DatabaseHandle) {
  await runMigrations(handle);
  await runMigrations(handle); // idempotent

  const extensions = await queryRows<{ extname: string }>(handle.db, sql`select extname from pg_extension order by 1`);
  expect(extensions.map((e) => e.extname)).toEqual(expect.arrayContaining(["vector", "pg_trgm"]));

  const [customer] = await handle.db.insert(users).values({ email: `c-${handle.driver}@example.test`, fullName: "C", role: "customer" }).returning();
  const [first] = await handle.db.insert(tickets).values({ customerId: customer!.id, subject: "Refund please", description: "Charged twice" }).returning();
  const [second] = await handle.db.insert(tickets).values({ customerId: customer!.id, subject: "Login", description: "Cannot sign in" }).returning();
  expect(second!.number).toBe(first!.number + 1);
  expect(first!.number).toBeGreaterThanOrEqual(1001);

  // CHECK constraints guard the vocabularies even when a service forgets.
  await expect(handle.db.update(tickets).set({ status: "bogus" as never }).where(eq(tickets.id, first!.id))).rejects.toThrow();

  const [article] = await handle.db.insert(kbArticles).values({ slug: "refunds", title: "Refunds", body: "b", category: "billing", status: "published" }).returning();
  await handle.db.insert(kbChunks).values([
    { articleId: article!.id, articleVersion: 1, position: 0, content: "How to request a refund for a duplicate charge", tokenCount: 9, embedding: unit(0) },
    { articleId: article!.id, articleVersion: 1, position: 1, content: "Changing your password", tokenCount: 3, embedding: unit(1) },
  ]);
  // pgvector cosine distance through the HNSW-indexed column.
  const nearest = await handle.db
    .select({ position: kbChunks.position, distance: sql<number>`${kbChunks.embedding} <=> ${JSON.stringify(unit(1))}::vector` })
    .from(kbChunks)
    .orderBy(sql`${kbChunks.embedding} <=> ${JSON.stringify(unit(1))}::vector`)
    .limit(1);
  expect(nearest[0]!.position).toBe(1);
  expect(Number(nearest[0]!.distance)).toBeCloseTo(0);
  // Generated tsvector + websearch_to_tsquery.
  const lexical = await handle.db
    .select({ position: kbChunks.position })
    .from(kbChunks)
    .where(sql`${kbChunks.tsv} @@ websearch_to_tsquery('english', 'refunds duplicate')`);
  expect(lexical.map((r) => r.position)).toEqual([0]);
  // pg_trgm similarity is available.
  const [trgm] = await queryRows<{ s: number }>(handle.db, sql`select similarity('password', 'pasword') as s`);
  expect(Number(trgm!.s)).toBeGreaterThan(0.5);
}

describe("database drivers run the same migrations and queries", () => {
  it("PGlite in-process", async () => {
    const handle = await openDatabase({});
    try {
      await exercise(handle);
      await expect(handle.ping()).resolves.toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  describe("postgres.js over the wire (PGlite served by pglite-socket)", () => {
    let pglite: PGlite;
    let server: PGLiteSocketServer;
    let handle: DatabaseHandle;

    beforeAll(async () => {
      pglite = await PGlite.create(pgliteOptions());
      const port = await freePort();
      server = await startPgliteServer(pglite, port);
      handle = await openDatabase({ url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, poolMax: 1 });
    });

    afterAll(async () => {
      await handle?.close();
      await server?.stop();
      await pglite?.close();
    });

    it("migrates and queries", async () => {
      expect(handle.driver).toBe("postgres");
      await exercise(handle);
      await expect(handle.ping()).resolves.toBeUndefined();
    });
  });
});
