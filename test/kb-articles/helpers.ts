import { and, asc, eq, sql } from "drizzle-orm";
import { kbChunks, outbox } from "../../db/schema/index.js";
import { SYSTEM } from "../../src/auth/actor.js";
import type { ServiceContext } from "../../src/services/context.js";
import type { TestContext } from "../harness/app.js";

/** Field names of a 400 problem (`body.x`, `params.x`, `query.x`). */
export const fields = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field) ?? [];

/** The kb.embed outbox rows of an article, oldest first, as the versions they ask to index. */
export async function embedJobs(ctx: TestContext, articleId: string): Promise<number[]> {
  const rows = await ctx.database.db
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(and(eq(outbox.job, "kb.embed"), sql`${outbox.payload}->>'articleId' = ${articleId}`))
    .orderBy(asc(outbox.seq));
  return rows.map((r) => (r.payload as { version: number }).version);
}

/** A retrieval chunk written directly (as superuser), standing in for what kb.embed would write. */
export async function insertChunk(ctx: TestContext, articleId: string, version: number) {
  await ctx.database.db.insert(kbChunks).values({ articleId, articleVersion: version, position: 0, content: "chunk text", tokenCount: 2 });
}

export async function chunkCount(ctx: TestContext, articleId: string): Promise<number> {
  return (await ctx.database.db.select().from(kbChunks).where(eq(kbChunks.articleId, articleId))).length;
}

/** What the CLI importer runs with: the system actor. */
export function systemContext(ctx: TestContext, notified: { count: number } = { count: 0 }): ServiceContext {
  return {
    db: ctx.database.db,
    actor: SYSTEM,
    config: ctx.config,
    logger: ctx.logger,
    storage: ctx.storage,
    embedder: ctx.embedder,
    notifyJobs: () => void notified.count++,
  };
}
