// Imports 1,000 generated markdown articles into a fresh in-memory PGlite and prints how long it
// took, then runs the same import again (the idempotent, nothing-changed path). The retrieval
// work (chunking, embedding) is not included: the import only queues kb.embed jobs.
//   npx tsx bench/kb-import.ts [count]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createEmbedder } from "../src/ai/embeddings/index.js";
import { kbArticles, outbox } from "../db/schema/index.js";
import { SYSTEM } from "../src/auth/actor.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import type { ServiceContext } from "../src/services/context.js";
import { KB_CATEGORIES } from "../src/services/kb/categories.js";
import { formatProgress, importMarkdownDir } from "../src/services/kb/import.js";

const total = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "autocrm-bench-kb-"));

function generate(i: number): string {
  const category = KB_CATEGORIES[i % KB_CATEGORIES.length];
  const sections = Array.from(
    { length: 4 },
    (_, s) => `## Section ${s + 1}\n\nStep ${s + 1} of article ${i}: open **Settings**, choose option ${s}, then save. `.repeat(3) + "\n\n- one\n- two\n- three",
  );
  return `---\ntitle: Generated article ${i}\ncategory: ${category}\ntags: [bench, t${i % 17}]\nstatus: published\n---\n\n${sections.join("\n\n")}\n`;
}

async function main() {
  for (let i = 0; i < total; i++) writeFileSync(join(dir, `generated-article-${i}.md`), generate(i));

  const config = loadConfig({ LOG_LEVEL: "warn", NODE_ENV: "production" });
  const database = await openDatabase({});
  await runMigrations(database);
  const ctx: ServiceContext = {
    db: database.db,
    actor: SYSTEM,
    config,
    logger: createLogger(config),
    storage: new LocalDiskStorage(join(dir, "attachments")),
    embedder: createEmbedder(config),
    notifyJobs: () => {},
  };
  const progress = (done: number, all: number) => process.stderr.write(`\r${formatProgress(done, all)}`);

  try {
    for (const label of ["first import", "re-import (unchanged)"]) {
      const started = performance.now();
      const result = await importMarkdownDir(ctx, dir, progress);
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write("\n");
      const summary = { created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed.length };
      console.log(`${label}: ${total} articles in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} articles/s`, summary);
    }
    const [articles] = await database.db.select({ n: count() }).from(kbArticles);
    const [jobs] = await database.db.select({ n: count() }).from(outbox).where(eq(outbox.job, "kb.embed"));
    console.log(`articles stored: ${articles!.n}, kb.embed jobs queued: ${jobs!.n}`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
