import { statSync } from "node:fs";
import { SYSTEM } from "../auth/actor.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { createRuntime, type Runtime } from "../runtime.js";
import { serviceContext, type ServiceContext } from "../services/context.js";
import { importJsonl, importMarkdownDir, formatProgress } from "../services/kb/import.js";
import { reindexAll } from "../services/kb/indexing.js";

/** A progress line rewritten in place on a terminal, plain lines in a log. */
export function progressPrinter(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (process.stderr.isTTY) process.stderr.write(`\r${label} ${formatProgress(done, total)}${done === total ? "\n" : ""}`);
    else if (percent !== last && (percent % 10 === 0 || done === total)) process.stderr.write(`${label} ${formatProgress(done, total)}\n`);
    last = percent;
  };
}

export function systemContext(runtime: Runtime): ServiceContext {
  return serviceContext(runtime, SYSTEM);
}

/**
 * `autocrm kb import <dir | file.jsonl>`: markdown files with front matter, or the canonical
 * articles.jsonl; idempotent by slug. Published articles are then indexed right here, so the
 * command ends with a searchable KB whatever the job driver.
 */
export async function kbImportCommand(config: Config, logger: Logger, source: string | undefined): Promise<void> {
  if (!source) throw new Error("usage: autocrm kb import <dir | articles.jsonl>");
  const isDir = statSync(source, { throwIfNoEntry: false })?.isDirectory();
  if (isDir === undefined) throw new Error(`${source}: no such file or directory`);
  const runtime = await createRuntime(config, logger, { migrate: true });
  try {
    const ctx = systemContext(runtime);
    const result = isDir ? await importMarkdownDir(ctx, source, progressPrinter("import")) : await importJsonl(ctx, source, progressPrinter("import"));
    const indexed = await reindexAll({ db: runtime.database.db, embedder: runtime.embedder }, progressPrinter("index "));
    process.stdout.write(
      `imported: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.failed.length} failed; indexed ${indexed.articles} articles\n`,
    );
    for (const f of result.failed) process.stderr.write(`  ${f.source}: ${f.error}\n`);
    if (result.failed.length) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}

/** `autocrm kb reindex [--force]`: re-embeds what another model embedded or what is stale. */
export async function kbReindexCommand(config: Config, logger: Logger, force: boolean): Promise<void> {
  const runtime = await createRuntime(config, logger, { migrate: true });
  try {
    const summary = await reindexAll({ db: runtime.database.db, embedder: runtime.embedder }, progressPrinter("reindex"), { force });
    process.stdout.write(`reindexed ${summary.articles} articles and ${summary.learnedQuestions} learned questions with ${runtime.embedder.model}; removed ${summary.removed} stale chunks\n`);
  } finally {
    await runtime.close();
  }
}
