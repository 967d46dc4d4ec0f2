import type { Database } from "../../db/client.js";
import type { AppDeps } from "../deps.js";
import type { Embedder } from "../ai/embeddings/embedder.js";
import type { Actor } from "../auth/actor.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { AttachmentStorage } from "./attachments/storage.js";

/**
 * What every service verb receives: who is acting and the handles it may use. Routes build it
 * from the request (c.get("actor")), workers with the system actor — same verbs either way.
 */
export interface ServiceContext {
  db: Database;
  actor: Actor;
  config: Config;
  logger: Logger;
  storage: AttachmentStorage;
  embedder: Embedder;
  /** Tell the job driver that the outbox has new rows (after commit). */
  notifyJobs(): void;
}

/** The context for `actor` from the app's deps (a request passes its own child logger). */
export function serviceContext(deps: AppDeps, actor: Actor, logger: Logger = deps.logger): ServiceContext {
  return {
    db: deps.database.db,
    actor,
    config: deps.config,
    logger,
    storage: deps.storage,
    embedder: deps.embedder,
    notifyJobs: () => deps.queue.notify(),
  };
}
