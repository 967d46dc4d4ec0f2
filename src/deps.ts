import type { DatabaseHandle } from "../db/client.js";
import type { Embedder } from "./ai/embeddings/embedder.js";
import type { Config } from "./config.js";
import type { JobQueue } from "./jobs/queue.js";
import type { Logger } from "./logger.js";
import type { AttachmentStorage } from "./services/attachments/storage.js";

/** Everything the HTTP app and the workers are built from; assembled once in main.ts or a test. */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  queue: JobQueue;
  logger: Logger;
  storage: AttachmentStorage;
  /** Turns KB passages and questions into vectors (local model or OpenAI-compatible). */
  embedder: Embedder;
}
