import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import { BullmqDispatcher, startWorkers } from "../../src/jobs/bullmq.js";
import { enqueueJob } from "../../src/jobs/outbox.js";
import type { Processors } from "../../src/jobs/processors.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase } from "../harness/database.js";
import { testRedisUrl, uniqueQueuePrefix } from "../harness/redis.js";

const logger = createLogger({ LOG_LEVEL: "silent" });
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const row = async (id: string) => (await handle.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

function setup(processors: Processors) {
  const prefix = uniqueQueuePrefix();
  const dispatcher = new BullmqDispatcher(handle.db, { redisUrl: testRedisUrl(), prefix }, logger);
  const pool = startWorkers(handle.db, processors, { redisUrl: testRedisUrl(), prefix, queues: ["ai", "kb"], concurrency: 4, lockMs: 30_000, aiRateLimitPerMinute: 0 }, logger);
  return {
    dispatcher,
    close: async () => {
      await pool.close();
      await dispatcher.close();
    },
  };
}

describe("BullMQ driver", () => {
  it("dispatches outbox rows (job id = outbox id) and records completion; re-dispatch runs nothing twice", async () => {
    const seen: string[] = [];
    const { dispatcher, close } = setup({ "ticket.triage": async (p) => void seen.push(p.ticketId) });
    try {
      const ticketId = randomUUID();
      const id = await enqueueJob(handle.db, "ticket.triage", { ticketId });
      expect(await dispatcher.dispatchPending()).toBeGreaterThanOrEqual(1);
      expect((await row(id)).dispatchedAt).not.toBeNull();
      await until(async () => (await row(id)).completedAt !== null);
      const job = await dispatcher.queue("ai").getJob(id);
      expect(job?.id).toBe(id);

      // A crash between add() and the dispatched mark means the row is sent again: same job id, no second run.
      await handle.db.update(outbox).set({ dispatchedAt: null }).where(eq(outbox.id, id));
      await dispatcher.dispatchPending();
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.filter((t) => t === ticketId)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("retries with backoff, and an UnrecoverableError fails at once", async () => {
    let flaky = 0;
    let permanent = 0;
    const { dispatcher, close } = setup({
      "kb.embed": async () => {
        flaky++;
        if (flaky < 2) throw new Error("provider 503");
      },
      "ticket.triage": async () => {
        permanent++;
        throw new UnrecoverableError("ticket vanished");
      },
    });
    try {
      const retried = await enqueueJob(handle.db, "kb.embed", { articleId: randomUUID(), version: 1 });
      const doomed = await enqueueJob(handle.db, "ticket.triage", { ticketId: randomUUID() });
      await dispatcher.dispatchPending();
      await until(async () => (await row(retried)).completedAt !== null && (await row(doomed)).failedAt !== null, 20_000);
      expect(flaky).toBe(2);
      expect(permanent).toBe(1);
      expect((await row(doomed)).lastError).toBe("ticket vanished");
    } finally {
      await close();
    }
  }, 30_000);

  it("with Redis unreachable, dispatch fails fast and the rows wait in the outbox", async () => {
    const dispatcher = new BullmqDispatcher(handle.db, { redisUrl: "redis://127.0.0.1:1", prefix: uniqueQueuePrefix() }, logger);
    try {
      const id = await enqueueJob(handle.db, "ticket.triage", { ticketId: randomUUID() });
      const started = Date.now();
      await expect(dispatcher.dispatchPending()).rejects.toThrow();
      await expect(dispatcher.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await row(id)).dispatchedAt).toBeNull();
    } finally {
      await dispatcher.close();
    }
  });
});
