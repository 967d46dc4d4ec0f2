import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client.js";
import { runMigrations } from "../../db/migrate.js";
import { freePort } from "./processes.js";

declare module "vitest" {
  export interface ProvidedContext {
    templatePath: string;
    redisUrl: string;
  }
}

let redisProcess: ChildProcess | undefined;
let workDir: string | undefined;

/** Migrates one PGlite, dumps its data directory, and hands the dump to every test file. */
async function buildTemplate(dir: string): Promise<string> {
  const handle = await openDatabase({});
  await runMigrations(handle);
  const dump = await handle.pglite!.dumpDataDir("none");
  await handle.close();
  const path = join(dir, "template.tar");
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  return path;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** REDIS_URL, else 127.0.0.1:6379, else a private redis-server on a free port, else a clear failure. */
async function findRedis(): Promise<string> {
  const configured = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await answers(configured)) return configured;
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new Error(
      `No Redis answers at ${configured} and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL.`,
    );
  }
  const port = await freePort();
  redisProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`started redis-server on port ${port} but it never answered`);
}

export default async function setup(project: TestProject) {
  workDir = mkdtempSync(join(tmpdir(), "autocrm-test-"));
  const [templatePath, redisUrl] = await Promise.all([buildTemplate(workDir), findRedis()]);
  project.provide("templatePath", templatePath);
  project.provide("redisUrl", redisUrl);
  return async () => {
    redisProcess?.kill("SIGTERM");
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  };
}
