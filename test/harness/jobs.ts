import { and, isNull, sql } from "drizzle-orm";
import { outbox } from "../../db/schema/index.js";
import type { TestContext } from "./app.js";

/**
 * Runs the outbox to quiescence with the inline runner, skipping backoff waits: rows waiting
 * for a retry are made due at once. Returns the number of attempts run.
 */
export async function drainWithRetries(ctx: Pick<TestContext, "queue" | "database">, maxRounds = 20): Promise<number> {
  let total = 0;
  for (let round = 0; round < maxRounds; round++) {
    const ran = await ctx.queue.drain();
    total += ran;
    const waiting = await ctx.database.db
      .update(outbox)
      .set({ availableAt: sql`clock_timestamp() - interval '1 second'` })
      .where(and(isNull(outbox.completedAt), isNull(outbox.failedAt), sql`${outbox.attempts} > 0`))
      .returning({ id: outbox.id });
    if (ran === 0 && waiting.length === 0) return total;
  }
  return total;
}
