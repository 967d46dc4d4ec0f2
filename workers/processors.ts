import type { Processors } from "../src/jobs/processors.js";

/**
 * The processors this build can run, by job name (src/jobs/catalog.ts). Processors are thin:
 * they load by id and call the same services the routes call. Each feature adds its own here;
 * a job without a processor waits in the outbox rather than being dropped.
 */
export function createProcessors(): Processors {
  return {};
}
