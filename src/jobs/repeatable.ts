import type { Queue } from "bullmq";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import type { Logger } from "../logger.js";
import { jobCatalog } from "./catalog.js";
import { enqueueJob } from "./outbox.js";

// Jobs that run on a clock rather than because something changed. Server mode hands the clock
// to BullMQ's job scheduler (one schedule in Redis however many processes upsert it); embedded
// mode has no Redis, so a timer in the `start` process writes the job into the outbox and the
// inline runner takes it from there like any other job.

export const SLA_CHECK_EVERY_MS = 60_000;

/** The triage classifiers retrain from the day's confirmed tickets once a day. */
export const AI_LEARN_EVERY_MS = 24 * 3600_000;

export const REPEATABLE_JOBS = [
  { job: "sla.check", everyMs: SLA_CHECK_EVERY_MS, data: {} },
  { job: "ai.learn", everyMs: AI_LEARN_EVERY_MS, data: {} },
] as const;

/** How long scheduling may take before start-up gives up on it (Redis unreachable). */
const SCHEDULE_DEADLINE_MS = 5_000;

/**
 * Upserts a BullMQ job scheduler per repeatable job; the scheduler id is the job name, so doing
 * it again (every process start, several workers) keeps one schedule and updates its interval.
 * Throws when Redis cannot be reached: the caller logs it.
 */
export async function scheduleRepeatableJobs(dispatcher: { queue(name: string): Queue; ping(): Promise<void> }): Promise<void> {
  await dispatcher.ping();
  for (const { job, everyMs, data } of REPEATABLE_JOBS) {
    const def = jobCatalog[job];
    const upsert = dispatcher.queue(def.queue).upsertJobScheduler(
      job,
      { every: everyMs },
      {
        name: job,
        data,
        opts: {
          attempts: def.attempts,
          backoff: { type: "exponential", delay: def.backoffMs },
          // One run a minute: keep a little history for inspection, not a day of it.
          removeOnComplete: { count: 100 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scheduling ${job} timed out`)), SCHEDULE_DEADLINE_MS);
    });
    await Promise.race([upsert, deadline]).finally(() => clearTimeout(timer));
  }
}

/**
 * Writes the job into the outbox unless one is still waiting or running: a runner that falls
 * behind (or a process that was down) gets one catch-up run, not a pile of them.
 */
export async function enqueueRepeatableIfIdle(db: Database, entry: (typeof REPEATABLE_JOBS)[number]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [waiting] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.job, entry.job), isNull(outbox.completedAt), isNull(outbox.failedAt)))
      .limit(1);
    if (waiting) return false;
    await enqueueJob(tx, entry.job, entry.data);
    return true;
  });
}

export interface InlineSchedule {
  stop(): void;
}

/**
 * Embedded mode's clock: enqueues each repeatable job now and then every `intervalMs` (default:
 * each job's own interval). Timers are unref'd so they never keep the process alive.
 */
export function startInlineSchedule(
  db: Database,
  intervalMs?: number,
  options: { logger?: Logger; notify?: () => void } = {},
): InlineSchedule {
  const timers = REPEATABLE_JOBS.map((entry) => {
    const tick = () =>
      void enqueueRepeatableIfIdle(db, entry)
        .then((added) => added && options.notify?.())
        .catch((err: unknown) => options.logger?.warn({ err: String(err), job: entry.job }, "could not enqueue a repeatable job"));
    tick();
    const timer = setInterval(tick, intervalMs ?? entry.everyMs);
    timer.unref();
    return timer;
  });
  return { stop: () => timers.forEach((t) => clearInterval(t)) };
}
