import { resolve } from "node:path";
import { openDatabase, type DatabaseHandle } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createProcessors } from "../workers/processors.js";
import type { Config } from "./config.js";
import type { AppDeps } from "./deps.js";
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

/** The queue driver for this config. `runJobs` = this process also executes the processors. */
export function createQueue(config: Config, database: DatabaseHandle, logger: Logger): JobQueue {
  // BullMQ arrives with the AI pipeline; until then the outbox is drained by the inline runner,
  // which is safe with several processes on one server Postgres (rows are leased).
  return new InlineJobRunner(database.db, createProcessors(), logger.child({ component: "jobs" }));
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
  const queue = createQueue(config, database, logger);
  return {
    config,
    database,
    queue,
    logger,
    storage: new LocalDiskStorage(resolve(config.DATA_DIR, "attachments")),
    close: async () => {
      await queue.close();
      await database.close();
    },
  };
}
