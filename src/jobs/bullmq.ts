import { Queue, Worker, type Job } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import type { Logger } from "../logger.js";
import { isJobName, jobCatalog, type JobName } from "./catalog.js";
import { markOutboxAttemptFailed, markOutboxCompleted, undispatchedOutboxRows, type OutboxRow } from "./outbox.js";
import { runJob, type Processors } from "./processors.js";
import { Poller } from "./poller.js";
import type { JobQueue } from "./queue.js";
import { scheduleRepeatableJobs } from "./repeatable.js";

export const QUEUES: string[] = [...new Set(Object.values(jobCatalog).map((d) => d.queue))];

/** Completed jobs are kept a day (so a re-dispatched id is recognised), failed ones a week. */
const RETENTION = { removeOnComplete: { age: 24 * 3600, count: 50_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

/**
 * Producers fail fast: with Redis down an add() must throw at once so the row simply stays in
 * the outbox for the next sweep, instead of hanging a request. Workers instead wait forever
 * (maxRetriesPerRequest: null, as BullMQ requires for blocking commands). Never share one
 * connection between the two.
 */
export function producerConnection(url: string): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, lazyConnect: false };
  const redis = new Redis(url, options);
  redis.on("error", () => {}); // surfaced through ping() and failed adds
  return redis;
}

export function workerConnection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on("error", () => {});
  return redis;
}

export interface BullmqOptions {
  redisUrl: string;
  prefix: string;
  /** How often the sweep looks for undispatched outbox rows. */
  sweepMs?: number;
  batchSize?: number;
}

/**
 * Server-mode driver, producer side: moves outbox rows into BullMQ. Job id = outbox id, so a
 * row dispatched twice (crash between add and mark) is still one job.
 */
export class BullmqDispatcher implements JobQueue {
  readonly driver = "bullmq" as const;
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly poller: Poller;
  private started = false;
  private scheduling: Promise<void> | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly options: BullmqOptions,
    private readonly logger: Logger,
  ) {
    this.connection = producerConnection(options.redisUrl);
    this.poller = new Poller(() => this.dispatchPending(), options.sweepMs ?? 1_000, (err) =>
      this.logger.warn({ err: String(err) }, "outbox dispatch failed; rows stay in the outbox for the next sweep"),
    );
    this.batchSize = options.batchSize ?? 500;
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      q.on("error", () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  async ping(): Promise<void> {
    await this.connected();
    if ((await withDeadline(this.connection.ping(), 2_000, "redis ping timed out")) !== "PONG") throw new Error("redis did not answer PONG");
  }

  /** Waits briefly for a connection in progress; a client that cannot connect fails in 2 s. */
  private async connected(): Promise<void> {
    if (this.connection.status === "ready") return;
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
      this.connection.once("ready", onReady);
    });
    try {
      await withDeadline(ready, 2_000, `redis is ${this.connection.status}`);
    } finally {
      this.connection.off("ready", onReady);
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.scheduling = scheduleRepeatableJobs(this).catch((err: unknown) =>
      this.logger.warn({ err: String(err) }, "could not schedule repeatable jobs (sla.check); the next process start retries"),
    );
    this.poller.start();
  }

  notify(): void {
    this.poller.notify();
  }

  async close(): Promise<void> {
    await Promise.all([this.poller.close(), this.scheduling]);
    const connected = this.connection.status === "ready";
    if (!connected) this.connection.disconnect();
    await Promise.all([...this.queues.values()].map((q) => withDeadline(q.close(), 2_000, "queue close").catch(() => {})));
    this.connection.disconnect();
  }

  /** Dispatches every due, undispatched row; returns how many went to Redis. Throws if Redis is down. */
  async dispatchPending(): Promise<number> {
    await this.ping();
    let sent = 0;
    for (;;) {
      const rows = (await undispatchedOutboxRows(this.db, this.batchSize)).filter((r) => isJobName(r.job));
      if (rows.length === 0) return sent;
      await this.dispatch(rows);
      sent += rows.length;
      if (rows.length < this.batchSize) return sent;
    }
  }

  private async dispatch(rows: OutboxRow[]): Promise<void> {
    const byQueue = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const q = jobCatalog[row.job as JobName].queue;
      byQueue.set(q, [...(byQueue.get(q) ?? []), row]);
    }
    for (const [queueName, group] of byQueue) {
      const added = this.queue(queueName).addBulk(
        group.map((row) => {
          const def = jobCatalog[row.job as JobName];
          return {
            name: row.job,
            data: row.payload,
            opts: { jobId: row.id, attempts: def.attempts, backoff: { type: "exponential", delay: def.backoffMs }, ...RETENTION },
          };
        }),
      );
      // Redis can vanish mid-dispatch; never let a request or the sweep hang on it.
      await withDeadline(added, 5_000, "redis add timed out");
      await this.db
        .update(outbox)
        .set({ dispatchedAt: sql`clock_timestamp()` })
        .where(inArray(outbox.id, group.map((r) => r.id)));
    }
  }
}

export interface WorkerPoolOptions {
  redisUrl: string;
  prefix: string;
  queues: string[];
  concurrency: number;
  /** How long a job's lock lasts; a worker that dies mid-job has its job taken again after this. */
  lockMs?: number;
  /** Jobs per minute on the "ai" queue (LLM provider limits); 0 = unlimited. */
  aiRateLimitPerMinute: number;
}

/**
 * Server-mode driver, consumer side: one BullMQ Worker per queue, each with its own blocking
 * connection, running the same processors as the inline runner. Outcome is mirrored into the
 * outbox row so admins can see completed and failed jobs in one place.
 */
export function startWorkers(db: Database, processors: Processors, options: WorkerPoolOptions, logger: Logger) {
  const connections: Redis[] = [];
  const workers = options.queues.map((queueName) => {
    const connection = workerConnection(options.redisUrl);
    connections.push(connection);
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        if (!isJobName(job.name)) throw new Error(`unknown job ${job.name}`);
        await runJob(processors, job.name, job.data, {
          jobId: job.id!,
          attempt: job.attemptsMade + 1,
          logger: logger.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 }),
        });
      },
      {
        connection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockMs ?? 30_000,
        stalledInterval: options.lockMs ?? 30_000,
        ...(queueName === "ai" && options.aiRateLimitPerMinute > 0 ? { limiter: { max: options.aiRateLimitPerMinute, duration: 60_000 } } : {}),
      },
    );
    worker.on("completed", (job) =>
      void markOutboxCompleted(db, job.id!).catch((err: Error) => logger.warn({ jobId: job.id, err: err.message, cause: (err.cause as Error | undefined)?.message }, "could not mark the outbox row completed")),
    );
    worker.on("failed", (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError";
      logger.warn({ job: job.name, jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, "job attempt failed");
      if (final) {
        void markOutboxAttemptFailed(db, { id: job.id!, attempts: job.attemptsMade - 1 }, err.message, null).catch((e: Error) =>
          logger.warn({ jobId: job.id, err: e.message }, "could not mark the outbox row failed"),
        );
      }
    });
    worker.on("error", (err) => logger.warn({ err: err.message, queue: queueName }, "worker connection error"));
    return worker;
  });
  return {
    workers,
    /** Finish the jobs in hand, then disconnect (SIGTERM). */
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      for (const c of connections) c.disconnect();
    },
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
