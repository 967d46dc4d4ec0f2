import { fileURLToPath } from "node:url";
import { count } from "drizzle-orm";
import { DEMO_PASSWORD, seedDemo } from "../../db/seed/seed.js";
import { users } from "../../db/schema/index.js";
import { demoUsers } from "../../db/seed/demo-data.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { startInlineSchedule } from "../jobs/repeatable.js";
import { createRuntime, startQueueWorkers, type Runtime } from "../runtime.js";
import { startServer } from "../server.js";

export const DEMO_KB_DIR = fileURLToPath(new URL("../../kb/articles", import.meta.url));

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM from an orchestrator). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}

async function seedIfEmpty(runtime: Runtime): Promise<boolean> {
  const [row] = await runtime.database.db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return false;
  const result = await seedDemo(runtime.database.db, { kbDir: DEMO_KB_DIR });
  runtime.logger.info(result, "demo data loaded");
  return true;
}

function printBanner(url: string, config: Config, seeded: boolean): void {
  const lines = [
    "",
    `AutoCRM is running at ${url}  (${config.embedded ? `embedded: PGlite in ${config.DATA_DIR}` : "server mode"}, jobs: ${config.jobDriver}, AI: ${config.aiProvider})`,
    `  API docs      ${url}/docs`,
    `  OpenAPI       ${url}/openapi.json`,
    `  Health        ${url}/health`,
  ];
  if (config.seedDemo) {
    lines.push(`  Demo logins (password "${DEMO_PASSWORD}")${seeded ? "" : " — from an earlier run"}:`);
    for (const u of demoUsers) lines.push(`    ${u.role.padEnd(8)} ${u.email}`);
  }
  lines.push("Press Ctrl-C to stop.", "");
  process.stdout.write(lines.join("\n") + "\n");
}

/** `start` / `api`: the HTTP API; `start` also runs the background jobs in this process. */
export async function serveCommand(config: Config, logger: Logger, options: { runJobs: boolean }): Promise<void> {
  const runtime = await createRuntime(config, logger, { migrate: options.runJobs || config.embedded });
  try {
    const seeded = config.seedDemo ? await seedIfEmpty(runtime) : false;
    if (options.runJobs) runtime.queue.start();
    // Inline jobs have no scheduler of their own: a timer enqueues the repeatable ones (sla.check).
    const clock = options.runJobs && config.jobDriver === "inline" ? startInlineSchedule(runtime.database.db, undefined, { logger, notify: () => runtime.queue.notify() }) : undefined;
    // With BullMQ, `start` is the all-in-one shape: it also consumes the queues itself.
    const workers = options.runJobs && config.jobDriver === "bullmq" ? startQueueWorkers(runtime) : undefined;
    const server = await startServer(runtime);
    printBanner(server.url, config, seeded);
    const signal = await untilSignal();
    logger.info({ signal }, "shutting down: no new requests, finishing in-flight ones");
    clock?.stop();
    await server.close(config.SHUTDOWN_TIMEOUT_MS);
    await workers?.close();
  } finally {
    await runtime.close();
  }
  logger.info("stopped cleanly");
}

/**
 * `worker`: runs job processors only (server mode: PGlite cannot be shared between processes).
 * It also sweeps the outbox, so jobs that processors enqueue are dispatched even with no API up.
 */
export async function workerCommand(config: Config, logger: Logger, queues?: string[]): Promise<void> {
  if (config.embedded) {
    throw new Error("worker needs DATABASE_URL (server mode); in embedded mode `autocrm start` runs jobs in-process");
  }
  const runtime = await createRuntime(config, logger, { migrate: false });
  try {
    runtime.queue.start();
    const clock = config.jobDriver === "inline" ? startInlineSchedule(runtime.database.db, undefined, { logger, notify: () => runtime.queue.notify() }) : undefined;
    const workers = config.jobDriver === "bullmq" ? startQueueWorkers(runtime, queues) : undefined;
    logger.info({ driver: runtime.queue.driver, queues: queues ?? "all" }, "worker started");
    const signal = await untilSignal();
    logger.info({ signal }, "worker stopping: finishing the jobs in hand");
    clock?.stop();
    await workers?.close();
  } finally {
    await runtime.close();
  }
}

export async function migrateCommand(config: Config, logger: Logger): Promise<void> {
  const runtime = await createRuntime(config, logger, { migrate: true });
  await runtime.close();
  logger.info("migrations applied");
}

export async function seedCommand(config: Config, logger: Logger): Promise<void> {
  const runtime = await createRuntime(config, logger, { migrate: true });
  try {
    const result = await seedDemo(runtime.database.db, { kbDir: DEMO_KB_DIR });
    logger.info(result, "demo data seeded (existing rows left as they were)");
  } finally {
    await runtime.close();
  }
}
