// Imports 1,000 generated markdown articles into a fresh in-memory PGlite and indexes them the
// way embedded mode does: the import queues one kb.embed job per published article in the
// outbox, and the inline job runner (the same processors as `autocrm start`) chunks, embeds
// with the local provider and swaps each article's chunks. Prints import, index and total time
// (target for issue 4: import + index of 1,000 articles under 60 s), then runs the same import
// again (the idempotent, nothing-changed path).
//   npx tsx bench/kb-import.ts [count]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createEmbedder } from "../src/ai/embeddings/index.js";
import { kbArticles, kbChunks, outbox } from "../db/schema/index.js";
import { InlineJobRunner } from "../src/jobs/inline-runner.js";
import { createProcessors } from "../workers/processors.js";
import { SYSTEM } from "../src/auth/actor.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import type { ServiceContext } from "../src/services/context.js";
import { KB_CATEGORIES } from "../src/services/kb/categories.js";
import { formatProgress, importMarkdownDir } from "../src/services/kb/import.js";

const total = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "autocrm-bench-kb-"));

// Help-centre-like prose: 4–7 sections of 2–4 paragraphs over a few hundred words, so an article
// makes 2–4 chunks (about 900 words on average), like the demo KB's longer articles.
const WORDS = (
  "account billing invoice payment card refund subscription plan upgrade downgrade cancel renew password reset " +
  "login sign two factor authentication email notification settings profile team member invite role permission " +
  "export import report dashboard filter search ticket reply customer agent status priority workflow automation " +
  "integration webhook api token key limit quota storage attachment upload download browser mobile app sync " +
  "error message timeout retry network connection server region backup restore delete archive history audit"
).split(" ");
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = () => WORDS[Math.floor(rand() * WORDS.length)]!;
const sentence = () => {
  const words = Array.from({ length: 8 + Math.floor(rand() * 12) }, pick).join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1) + ".";
};
const paragraph = () => Array.from({ length: 3 + Math.floor(rand() * 4) }, sentence).join(" ");

function generate(i: number): string {
  const category = KB_CATEGORIES[i % KB_CATEGORIES.length];
  const sections = Array.from({ length: 4 + Math.floor(rand() * 4) }, (_, s) => {
    const paragraphs = Array.from({ length: 2 + Math.floor(rand() * 3) }, paragraph);
    return `## ${pick()} ${pick()} (step ${s + 1})\n\n${paragraphs.join("\n\n")}\n\n- ${pick()}\n- ${pick()}`;
  });
  return `---\ntitle: How to ${pick()} your ${pick()} ${i}\ncategory: ${category}\ntags: [bench, t${i % 17}]\nstatus: published\n---\n\n${sections.join("\n\n")}\n`;
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

  const runner = new InlineJobRunner(database.db, createProcessors({ ...ctx, database }), ctx.logger);
  try {
    for (const label of ["first import", "re-import (unchanged)"]) {
      const started = performance.now();
      const result = await importMarkdownDir(ctx, dir, progress);
      const importSeconds = (performance.now() - started) / 1000;
      process.stderr.write("\n");
      const indexStarted = performance.now();
      const jobsRun = await runner.drain();
      const indexSeconds = (performance.now() - indexStarted) / 1000;
      const seconds = importSeconds + indexSeconds;
      const summary = { created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed.length, kbEmbedJobsRun: jobsRun };
      console.log(
        `${label}: ${total} articles — import ${importSeconds.toFixed(2)} s + index ${indexSeconds.toFixed(2)} s = ${seconds.toFixed(2)} s ` +
          `(${(total / seconds).toFixed(0)} articles/s)${label === "first import" ? `; target < 60 s: ${seconds < 60 ? "met" : "NOT met"}` : ""}`,
        summary,
      );
    }
    const [articles] = await database.db.select({ n: count() }).from(kbArticles);
    const [chunks] = await database.db.select({ n: count(), tokens: sql<number>`coalesce(sum(${kbChunks.tokenCount}), 0)::int` }).from(kbChunks);
    const [pending] = await database.db.select({ n: count() }).from(outbox).where(and(eq(outbox.job, "kb.embed"), isNull(outbox.completedAt)));
    console.log(`articles stored: ${articles!.n}, chunks: ${chunks!.n} (${chunks!.tokens} tokens, ${ctx.embedder.model}), kb.embed jobs not completed: ${pending!.n}`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
