import type { Database } from "../../db/client.js";
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
