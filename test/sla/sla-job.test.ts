import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox, ticketEvents, tickets } from "../../db/schema/index.js";
import { BullmqDispatcher, QUEUES, startWorkers } from "../../src/jobs/bullmq.js";
import { jobCatalog } from "../../src/jobs/catalog.js";
import { REPEATABLE_JOBS, enqueueRepeatableIfIdle, scheduleRepeatableJobs, startInlineSchedule } from "../../src/jobs/repeatable.js";
import { createMaintenanceProcessors } from "../../workers/maintenance-processors.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { createTicket } from "../harness/factories.js";
import { testRedisUrl, uniqueQueuePrefix } from "../harness/redis.js";

let ctx: TestContext;
let customerId: string;
const SLA_CHECK = REPEATABLE_JOBS[0];

beforeAll(async () => {
  ctx = await createTestContext();
  customerId = (await signedInUser(ctx, "customer")).user.id;
});
afterAll(() => ctx?.close());

/** An open ticket whose first response was due a minute ago. */
async function overdueTicket(): Promise<string> {
  const t = await createTicket(ctx.database.db, { customerId, status: "open" });
  await ctx.database.db.update(tickets).set({ firstResponseDueAt: new Date(Date.now() - 60_000) }).where(eq(tickets.id, t.id));
  return t.id;
}

const breaches = (ticketId: string) =>
  ctx.database.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, "ticket.sla_breached")));

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("sla.check in the catalog", () => {
  it("runs on its own maintenance queue, which gets workers", () => {
    expect(jobCatalog["sla.check"]).toMatchObject({ queue: "maintenance", attempts: 3 });
    expect(QUEUES).toContain("maintenance");
  });
});

describe("sla.check with the inline runner", () => {
  it("the processor runs from the outbox; at most one run waits at a time", async () => {
    const ticketId = await overdueTicket();
    expect(await enqueueRepeatableIfIdle(ctx.database.db, SLA_CHECK)).toBe(true);
    expect(await enqueueRepeatableIfIdle(ctx.database.db, SLA_CHECK)).toBe(false);
    expect(await ctx.queue.drain()).toBe(1);
    expect((await breaches(ticketId)).map((e) => e.field)).toEqual(["first_response"]);
    const rows = await ctx.database.db.select().from(outbox).where(eq(outbox.job, "sla.check"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.completedAt).not.toBeNull();
    // Done: the next tick may enqueue again, and a second run adds nothing.
    expect(await enqueueRepeatableIfIdle(ctx.database.db, SLA_CHECK)).toBe(true);
    await ctx.queue.drain();
    expect(await breaches(ticketId)).toHaveLength(1);
  });

  it("startInlineSchedule enqueues at once and on its interval; the runner picks it up", async () => {
    const ticketId = await overdueTicket();
    ctx.queue.start();
    const clock = startInlineSchedule(ctx.database.db, 100, { notify: () => ctx.queue.notify() });
    try {
      await until(async () => (await breaches(ticketId)).length === 1);
      const completedBefore = (await ctx.database.db.select().from(outbox).where(eq(outbox.job, "sla.check"))).filter((r) => r.completedAt).length;
      await until(async () => (await ctx.database.db.select().from(outbox).where(eq(outbox.job, "sla.check"))).filter((r) => r.completedAt).length > completedBefore);
    } finally {
      clock.stop();
      await ctx.queue.close();
    }
    expect(await breaches(ticketId)).toHaveLength(1);
  });
});

describe("sla.check with BullMQ's job scheduler", () => {
  it("upserts one schedule per repeatable job (SLA every minute, retraining daily) and a worker runs the first SLA check at once", async () => {
    const ticketId = await overdueTicket();
    const prefix = uniqueQueuePrefix();
    const dispatcher = new BullmqDispatcher(ctx.database.db, { redisUrl: testRedisUrl(), prefix }, ctx.logger);
    const pool = startWorkers(ctx.database.db, createMaintenanceProcessors(ctx), { redisUrl: testRedisUrl(), prefix, queues: ["maintenance"], concurrency: 1, aiRateLimitPerMinute: 0 }, ctx.logger);
    const queue = dispatcher.queue("maintenance");
    try {
      await scheduleRepeatableJobs(dispatcher);
      await scheduleRepeatableJobs(dispatcher); // a second process starting: still one schedule
      const schedulers = await queue.getJobSchedulers();
      const byKey = schedulers.map((s) => ({ key: s.key, name: s.name, every: Number(s.every) })).sort((a, b) => a.key.localeCompare(b.key));
      expect(byKey).toEqual([
        { key: "ai.learn", name: "ai.learn", every: 24 * 3600_000 },
        { key: "sla.check", name: "sla.check", every: 60_000 },
      ]);
      await until(async () => (await breaches(ticketId)).length === 1);
    } finally {
      await pool.close();
      await queue.obliterate({ force: true });
      await dispatcher.close();
    }
  }, 30_000);

  it("the dispatcher schedules on start(), and only logs when Redis is unreachable", async () => {
    const prefix = uniqueQueuePrefix();
    const dispatcher = new BullmqDispatcher(ctx.database.db, { redisUrl: testRedisUrl(), prefix }, ctx.logger);
    dispatcher.start();
    try {
      await until(async () => (await dispatcher.queue("maintenance").getJobSchedulers()).length === REPEATABLE_JOBS.length);
    } finally {
      await dispatcher.queue("maintenance").obliterate({ force: true });
      await dispatcher.close();
    }

    const down = new BullmqDispatcher(ctx.database.db, { redisUrl: "redis://127.0.0.1:1", prefix: uniqueQueuePrefix() }, ctx.logger);
    await expect(scheduleRepeatableJobs(down)).rejects.toThrow();
    down.start(); // must not throw or leave an unhandled rejection
    await down.close();
  }, 30_000);
});
