import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import { jobCatalog, type JobName, type JobPayload } from "./catalog.js";

/** The payload as the job's schema accepts it (a bad one throws before anything is written). */
const checkedPayload = <N extends JobName>(job: N, payload: JobPayload<N>) => jobCatalog[job].payload.parse(payload) as Record<string, unknown>;

/**
 * Records a job in the outbox inside the caller's transaction: the job exists if and only if
 * the change that caused it committed. A driver moves it on later (inline runner or BullMQ).
 */
export async function enqueueJob<N extends JobName>(
  db: Executor,
  job: N,
  payload: JobPayload<N>,
  options: { delayMs?: number } = {},
): Promise<string> {
  const parsed = checkedPayload(job, payload);
  const availableAt = options.delayMs ? sql`clock_timestamp() + ${`${options.delayMs} milliseconds`}::interval` : undefined;
  const [row] = await db
    .insert(outbox)
    .values({ job, payload: parsed, ...(availableAt ? { availableAt } : {}) })
    .returning({ id: outbox.id });
  return row!.id;
}

export type JobRequest = { [N in JobName]: { job: N; payload: JobPayload<N> } }[JobName];

/** The outbox rows for `jobs`, payloads checked, for an INSERT of one's own (writeTogether). */
export function jobRows(jobs: JobRequest[]): (typeof outbox.$inferInsert)[] {
  return jobs.map(({ job, payload }) => ({ job, payload: checkedPayload(job, payload) }));
}

/** Several jobs in one INSERT (one round trip), e.g. triage and draft for a new ticket. */
export async function enqueueJobs(db: Executor, jobs: JobRequest[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.insert(outbox).values(jobRows(jobs));
}

export type OutboxRow = typeof outbox.$inferSelect;

/** How long a claimed row is hidden from other runners; longer than any job's timeout. */
export const OUTBOX_LEASE_MS = 5 * 60_000;

/**
 * Claims up to `limit` due rows of the given jobs by pushing their available_at past a lease,
 * so several runner processes on one Postgres never take the same row (SKIP LOCKED). A runner
 * that dies mid-job simply lets the lease run out and the row is taken again.
 */
export type ClaimedOutboxRow = Pick<OutboxRow, "id" | "job" | "payload" | "attempts"> & { seq: string };

export async function claimOutboxRows(db: Executor, jobs: string[], limit: number): Promise<ClaimedOutboxRow[]> {
  if (jobs.length === 0) return [];
  return queryRows<ClaimedOutboxRow>(db, sql`
    UPDATE ${outbox} SET available_at = clock_timestamp() + ${`${OUTBOX_LEASE_MS} milliseconds`}::interval,
                         dispatched_at = coalesce(dispatched_at, clock_timestamp())
    WHERE id IN (
      SELECT id FROM ${outbox}
      WHERE completed_at IS NULL AND failed_at IS NULL AND available_at <= clock_timestamp()
        AND job IN (${sql.join(jobs.map((j) => sql`${j}`), sql`, `)})
      ORDER BY available_at, seq
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, job, payload, attempts, seq::text AS seq`).then((rows) =>
    // RETURNING has no defined order: run jobs in the order they were written.
    rows.sort((a, b) => Number(a.seq) - Number(b.seq)),
  );
}

/** Rows written but never handed to a queue (BullMQ dispatcher and its sweep). */
export async function undispatchedOutboxRows(db: Executor, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(isNull(outbox.dispatchedAt), isNull(outbox.completedAt), lte(outbox.availableAt, sql`clock_timestamp()`)))
    .orderBy(asc(outbox.seq))
    .limit(limit);
}

export async function markOutboxCompleted(db: Executor, id: string): Promise<void> {
  await db
    .update(outbox)
    .set({ completedAt: sql`clock_timestamp()` })
    .where(eq(outbox.id, id));
}

export async function markOutboxDispatched(db: Executor, id: string): Promise<void> {
  await db.update(outbox).set({ dispatchedAt: sql`clock_timestamp()` }).where(eq(outbox.id, id));
}

/** Records a failed attempt: schedules the next one, or marks the row failed after the last. */
export async function markOutboxAttemptFailed(
  db: Executor,
  row: Pick<OutboxRow, "id" | "attempts">,
  error: string,
  retryInMs: number | null,
): Promise<void> {
  await db
    .update(outbox)
    .set({
      attempts: row.attempts + 1,
      lastError: error.slice(0, 2000),
      ...(retryInMs === null
        ? { failedAt: sql`clock_timestamp()` }
        : { availableAt: sql`clock_timestamp() + ${`${retryInMs} milliseconds`}::interval` }),
    })
    .where(eq(outbox.id, row.id));
}
