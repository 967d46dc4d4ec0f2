import { resolve } from "node:path";
import { openDatabase, type DatabaseHandle } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createEmbedder } from "./ai/embeddings/index.js";
import { createProcessors } from "../workers/processors.js";
import type { Config } from "./config.js";
import type { AppDeps } from "./deps.js";
import { BullmqDispatcher, QUEUES, startWorkers } from "./jobs/bullmq.js";
import { InlineJobRunner } from "./jobs/inline-runner.js";
import type { JobQueue } from "./jobs/queue.js";
import type { Logger } from "./logger.js";
import { LocalDiskStorage } from "./services/attachments/storage.js";

/** Opens the database for this config: PGlite in DATA_DIR, or postgres.js at DATABASE_URL. */
export function connectDatabase(config: Config): Promise<DatabaseHandle> {
  return openDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX }
      : { dataDir: resolve(config.DATA_DIR, "pglite") },
  );
}

/**
 * The queue driver for this config. Inline: this process runs the processors straight from the
 * outbox (leased rows, so several processes may share one Postgres). BullMQ: this process
 * dispatches the outbox to Redis; workers (startWorkers) run the processors.
 */
export function createQueue(deps: Omit<AppDeps, "queue">): JobQueue {
  const { config, database, logger } = deps;
  const jobsLogger = logger.child({ component: "jobs" });
  if (config.jobDriver === "bullmq") {
    return new BullmqDispatcher(database.db, { redisUrl: config.REDIS_URL!, prefix: config.QUEUE_PREFIX }, jobsLogger);
  }
  return new InlineJobRunner(database.db, createProcessors(deps), jobsLogger);
}

/** BullMQ workers for the given queues (all by default), with this build's processors. */
export function startQueueWorkers(runtime: Runtime, queues: string[] = QUEUES) {
  const unknown = queues.filter((q) => !QUEUES.includes(q));
  if (unknown.length) throw new Error(`unknown queue(s) ${unknown.join(", ")}; known: ${QUEUES.join(", ")}`);
  return startWorkers(
    runtime.database.db,
    createProcessors(runtime),
    {
      redisUrl: runtime.config.REDIS_URL!,
      prefix: runtime.config.QUEUE_PREFIX,
      queues,
      concurrency: runtime.config.WORKER_CONCURRENCY,
      lockMs: runtime.config.WORKER_LOCK_MS,
      aiRateLimitPerMinute: runtime.config.AI_RATE_LIMIT_PER_MINUTE,
    },
    runtime.logger.child({ component: "worker" }),
  );
}

export interface Runtime extends AppDeps {
  close(): Promise<void>;
}

/** Database (migrated when asked), queue and logger, wired once for a command. */
export async function createRuntime(config: Config, logger: Logger, options: { migrate: boolean }): Promise<Runtime> {
  const database = await connectDatabase(config);
  try {
    if (options.migrate) await runMigrations(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  const embedder = createEmbedder(config);
  const storage = new LocalDiskStorage(resolve(config.DATA_DIR, "attachments"));
  const queue = createQueue({ config, database, logger, embedder, storage });
  return {
    config,
    database,
    queue,
    logger,
    embedder,
    storage,
    close: async () => {
      await queue.close();
      await database.close();
    },
  };
}
