// A fresh embedded database holding one retrieval dataset's articles, loaded the way a real
// deployment gets them: `autocrm kb import`'s jsonl import (published articles, kb.embed jobs in
// the outbox), then the outbox drained by the inline job runner with the production kb.embed
// processor. Learned questions go in through learnQuestion, as when an agent approves a draft.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type DatabaseHandle } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { runAs } from "../db/scoped.js";
import { kbArticles } from "../db/schema/index.js";
import { createProcessors } from "../workers/processors.js";
import { ANONYMOUS, SYSTEM } from "../src/auth/actor.js";
import { createEmbedder } from "../src/ai/embeddings/index.js";
import type { Config } from "../src/config.js";
import { InlineJobRunner } from "../src/jobs/inline-runner.js";
import type { Logger } from "../src/logger.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import type { ServiceContext } from "../src/services/context.js";
import { importJsonl } from "../src/services/kb/import.js";
import { learnQuestion } from "../src/services/kb/learned-questions.js";
import { hashFraction, type QueryRow } from "./datasets.js";
import type { Progress } from "./progress.js";

export interface EvalKbOptions {
  /** A migrated database to use (tests pass a clone of their template); default: a new in-memory PGlite. */
  openDatabase?: () => Promise<DatabaseHandle>;
  progress?: Progress;
}

export interface EvalKb {
  database: DatabaseHandle;
  /** As the system (imports, learning, drafting). */
  system: ServiceContext;
  /** As an anonymous visitor: public search and instant answers, row-level security in the path. */
  visitor: ServiceContext;
  /** Article uuid → the dataset's article id, and back. */
  toDatasetId: Map<string, string>;
  toArticleId: Map<string, string>;
  indexSeconds: number;
  close(): Promise<void>;
}

export async function openEvalDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({});
  await runMigrations(handle);
  return handle;
}

export async function loadEvalKb(config: Config, logger: Logger, articlesFile: string, options: EvalKbOptions = {}): Promise<EvalKb> {
  const database = await (options.openDatabase ?? openEvalDatabase)();
  const attachments = mkdtempSync(join(tmpdir(), "autocrm-eval-"));
  const close = async () => {
    await database.close();
    rmSync(attachments, { recursive: true, force: true });
  };
  try {
    const embedder = createEmbedder(config);
    const storage = new LocalDiskStorage(attachments);
    const base = { db: database.db, config, logger, storage, embedder, notifyJobs: () => {} };
    const system: ServiceContext = { ...base, actor: SYSTEM };
    const started = performance.now();

    const imported = await importJsonl(system, articlesFile, options.progress?.("import"));
    if (imported.failed.length) {
      const f = imported.failed[0]!;
      throw new Error(`${imported.failed.length} article(s) failed to import, first ${f.source}: ${f.error}`);
    }
    // The production kb.embed processor, counted for the progress bar; nothing else runs.
    const embed = createProcessors({ config, database, logger, embedder, storage })["kb.embed"]!;
    const report = options.progress?.("index ");
    let done = 0;
    report?.(0, imported.created);
    const runner = new InlineJobRunner(database.db, {
      "kb.embed": async (payload, job) => {
        await embed(payload, job);
        report?.(++done, imported.created);
      },
    }, logger);
    await runner.drain();
    await runner.close();

    const rows = await runAs(database.db, SYSTEM, (tx) =>
      queryRows<{ id: string; external: string | null; chunks: number }>(
        tx,
        sql`SELECT a.id, a.metadata->>'externalId' AS external, (SELECT count(*)::int FROM kb_chunks c WHERE c.article_id = a.id) AS chunks
            FROM ${kbArticles} a WHERE a.status = 'published'`,
      ),
    );
    const unindexed = rows.filter((r) => r.chunks === 0).length;
    if (unindexed > 0) throw new Error(`${unindexed} of ${rows.length} imported articles have no chunks after indexing (see the outbox errors)`);
    const toDatasetId = new Map(rows.map((r) => [r.id, r.external ?? r.id]));
    const toArticleId = new Map(rows.map((r) => [r.external ?? r.id, r.id]));
    return {
      database,
      system,
      visitor: { ...base, actor: ANONYMOUS },
      toDatasetId,
      toArticleId,
      indexSeconds: (performance.now() - started) / 1000,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The queries an agent is taken to have answered already: answerable ones whose id hashes below
 * `fraction` (deterministic, so every run and every tool picks the same ones).
 */
export const isLearned = (fraction: number) => (q: QueryRow) => fraction > 0 && q.relevant.length > 0 && hashFraction(q.id) < fraction;

/** Feeds each query as a learned question of its first relevant article; returns how many were new. */
export async function learnQueries(kb: EvalKb, queries: readonly QueryRow[], progress?: Progress): Promise<number> {
  const report = progress?.("learn ");
  let learned = 0;
  for (const [i, q] of queries.entries()) {
    const articleId = kb.toArticleId.get(q.relevant[0]!);
    if (articleId && (await learnQuestion({ db: kb.database.db, embedder: kb.system.embedder }, articleId, q.query, "draft", null))) learned++;
    report?.(i + 1, queries.length);
  }
  return learned;
}

