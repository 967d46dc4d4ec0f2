import OpenAI from "openai";
import { l2Normalize, type EmbedKind, type Embedder } from "./embedder.js";

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** OPENAI_BASE_URL: any OpenAI-compatible server (Ollama, vLLM, llama.cpp). */
  baseURL?: string;
  model: string;
  dimensions: number;
  timeoutMs: number;
}

/** Inputs per request: well under the API's 2,048 and small enough to retry cheaply. */
const BATCH = 96;

/**
 * text-embedding-3-* (or a compatible server's model) shortened to the schema's dimensions with
 * the API's `dimensions` parameter. The SDK retries 429/5xx with backoff; a job that still fails
 * is retried by the queue.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly apiModel: string;

  constructor(options: OpenAIEmbedderOptions) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 2 });
    this.apiModel = options.model;
    this.model = `openai:${options.model}`;
    this.dimensions = options.dimensions;
  }

  async embed(texts: string[], _kind: EmbedKind): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const input = texts.slice(i, i + BATCH).map((t) => (t.trim() === "" ? " " : t));
      // encoding_format "float": compatible servers do not all speak the SDK's base64 default.
      const res = await this.client.embeddings.create({ model: this.apiModel, input, dimensions: this.dimensions, encoding_format: "float" });
      const rows = [...res.data].sort((a, b) => a.index - b.index);
      if (rows.length !== input.length) throw new Error(`embedding server returned ${rows.length} vectors for ${input.length} inputs`);
      for (const row of rows) {
        if (row.embedding.length !== this.dimensions) {
          throw new Error(`embedding model ${this.apiModel} returned ${row.embedding.length} dimensions, expected ${this.dimensions}`);
        }
        // Servers that ignore `dimensions` or do not normalise would break cosine scores' meaning.
        out.push(l2Normalize(row.embedding));
      }
    }
    return out;
  }
}
