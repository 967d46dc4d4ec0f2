import type { AppDeps } from "../src/deps.js";
import type { Processors } from "../src/jobs/processors.js";
import { indexArticle } from "../src/services/kb/indexing.js";
import { createAiProcessors } from "./ai-processors.js";
import { createMaintenanceProcessors } from "./maintenance-processors.js";

/** What processors are built from: the runtime's handles, minus the queue that runs them. */
export type ProcessorDeps = Pick<AppDeps, "config" | "database" | "logger" | "embedder" | "storage">;

/**
 * The processors this build can run, by job name (src/jobs/catalog.ts). Processors are thin:
 * they load by id and call the same services the routes call. Each feature adds its own here;
 * a job without a processor waits in the outbox rather than being dropped.
 */
export function createProcessors(deps: ProcessorDeps): Processors {
  return {
    ...createAiProcessors(deps),
    ...createMaintenanceProcessors(deps),
    // The payload's version is informational: indexArticle indexes whatever is published now
    // and skips its swap if the article moves on meanwhile (the newer job indexes that).
    "kb.embed": async ({ articleId }, job) => {
      const result = await indexArticle({ db: deps.database.db, embedder: deps.embedder }, articleId);
      job.logger.debug({ articleId, ...result }, "kb.embed done");
    },
  };
}
