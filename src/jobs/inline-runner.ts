import { UnrecoverableError } from "bullmq";
import type { Database } from "../../db/client.js";
import type { Logger } from "../logger.js";
import { jobCatalog, isJobName, type JobName } from "./catalog.js";
import { claimOutboxRows, markOutboxAttemptFailed, markOutboxCompleted, type ClaimedOutboxRow } from "./outbox.js";
import { backoffDelay, runJob, type Processors } from "./processors.js";
import type { JobQueue } from "./queue.js";

export interface InlineRunnerOptions {
  pollMs?: number;
  batchSize?: number;
}

/**
 * Embedded-mode driver: runs the catalog's processors in this process straight from the outbox,
 * with the same attempts and backoff BullMQ would apply. One job at a time — PGlite has a
 * single connection anyway. Rows are claimed with a lease, so it is also safe to run several of
 * these against one server Postgres (`autocrm worker` without Redis).
 */
export class InlineJobRunner implements JobQueue {
  readonly driver = "inline" as const;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly pollMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly processors: Processors,
    private readonly logger: Logger,
    options: InlineRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 50;
  }

  async ping(): Promise<void> {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  notify(): void {
    if (!this.stopped) this.schedule(0);
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs due jobs until none is left; returns how many attempts ran. Tests call it directly. */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const rows = await claimOutboxRows(this.db, this.runnableJobs, this.batchSize);
      if (rows.length === 0) return ran;
      for (const row of rows) {
        await this.runOne(row);
        ran++;
      }
    }
  }

  /** Jobs this process has processors for; the rest wait in the outbox for a process that does. */
  private get runnableJobs(): JobName[] {
    return (Object.keys(this.processors) as JobName[]).filter((job) => isJobName(job) && this.processors[job]);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) return void (await this.running, this.notify());
    this.running = this.drain()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err }, "inline job runner failed to read the outbox"))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
    if (!this.stopped) this.schedule(this.pollMs);
  }

  private async runOne(row: ClaimedOutboxRow): Promise<void> {
    const job = row.job as JobName;
    const def = jobCatalog[job];
    const attempt = row.attempts + 1;
    const logger = this.logger.child({ job, jobId: row.id, attempt });
    try {
      await runJob(this.processors, job, row.payload, { jobId: row.id, attempt, logger });
      await markOutboxCompleted(this.db, row.id);
    } catch (err) {
      const permanent = err instanceof UnrecoverableError || attempt >= def.attempts;
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err, permanent }, "job attempt failed");
      await markOutboxAttemptFailed(this.db, row, message, permanent ? null : backoffDelay(def.backoffMs, attempt));
    }
  }
}
