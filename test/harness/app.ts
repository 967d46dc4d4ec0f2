import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App } from "../../src/app.js";
import { createEmbedder } from "../../src/ai/embeddings/index.js";
import { LocalDiskStorage } from "../../src/services/attachments/storage.js";
import { loadConfig, type Config } from "../../src/config.js";
import type { AppDeps } from "../../src/deps.js";
import { InlineJobRunner } from "../../src/jobs/inline-runner.js";
import type { Processors } from "../../src/jobs/processors.js";
import { createLogger } from "../../src/logger.js";
import { createProcessors } from "../../workers/processors.js";
import { createTestDatabase } from "./database.js";

export interface TestContext extends AppDeps {
  app: App;
  queue: InlineJobRunner;
  /** Real HTTP semantics through app.request(); JSON in, parsed JSON out. */
  http: (method: string, path: string, options?: RequestOptions) => Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  json?: unknown;
  body?: string | FormData | Uint8Array | Blob;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: "./data/test", ...overrides });
}

/** A migrated database of its own, the real app on top, and the inline job runner (not started). */
export async function createTestContext(
  options: { env?: Record<string, string>; processors?: Processors } = {},
): Promise<TestContext> {
  const config = testConfig(options.env);
  const logger = createLogger(config);
  const database = await createTestDatabase();
  const embedder = createEmbedder(config);
  const storage = new LocalDiskStorage(mkdtempSync(join(tmpdir(), "autocrm-attachments-")));
  const queue = new InlineJobRunner(database.db, options.processors ?? createProcessors({ config, database, logger, embedder, storage }), logger);
  const deps: AppDeps = { config, database, queue, logger, storage, embedder };
  const app = createApp(deps);

  const http = async (method: string, path: string, req: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let body = req.body;
    if (req.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(req.json);
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a download, the docs page): leave the text.
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    ...deps,
    queue,
    app,
    http,
    close: async () => {
      await queue.close();
      await database.close();
    },
  };
}
