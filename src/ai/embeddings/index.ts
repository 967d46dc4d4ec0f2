import { EMBEDDING_DIMENSIONS } from "../../../db/schema/columns.js";
import type { Config } from "../../config.js";
import type { Embedder } from "./embedder.js";
import { LocalEmbedder } from "./local.js";
import { OpenAIEmbedder } from "./openai.js";

export type { CorpusStats, EmbedKind, EmbedOptions, Embedder } from "./embedder.js";

/** The embedder for this config: OpenAI when AI_PROVIDER resolves to it, else the local model. */
export function createEmbedder(config: Config): Embedder {
  if (config.aiProvider === "openai" && config.OPENAI_API_KEY) {
    return new OpenAIEmbedder({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.OPENAI_EMBEDDING_MODEL,
      dimensions: EMBEDDING_DIMENSIONS,
      timeoutMs: config.OPENAI_TIMEOUT_MS,
    });
  }
  return new LocalEmbedder();
}
