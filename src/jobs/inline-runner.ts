import { UnrecoverableError } from "bullmq";
import type { Database } from "../../db/client.js";
import type { Logger } from "../logger.js";
import { jobCatalog, isJobName, type JobName } from "./catalog.js";
import { claimOutboxRows, markOutboxAttemptFailed, markOutboxCompleted, type ClaimedOutboxRow } from "./outbox.js";
import { backoffDelay, runJob, type Processors } from "./processors.js";
import { Poller } from "./poller.js";
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
  private readonly poller: Poller;
  private readonly batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly processors: Processors,
    private readonly logger: Logger,
    options: InlineRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 50;
    this.poller = new Poller(() => this.drain(), options.pollMs ?? 500, (err) =>
      this.logger.error({ err }, "inline job runner failed to read the outbox"),
    );
  }

  async ping(): Promise<void> {}

  start(): void {
    this.poller.start();
  }

  notify(): void {
    this.poller.notify();
  }

  close(): Promise<void> {
    return this.poller.close();
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
