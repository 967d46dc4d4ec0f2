import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { Transaction } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { kbArticles } from "../../../db/schema/index.js";
import type { Actor } from "../../auth/actor.js";
import type { ServiceContext } from "../context.js";
import { applyChange, checkContent, checkSlug, insertArticles, isNoop, type ArticleRow, type NewArticle } from "./article-store.js";
import { requireKbStaff } from "./articles.js";
import { parseMarkdownArticle } from "./front-matter.js";
import { slugify } from "./slug.js";

// `autocrm kb import`: markdown files with front matter, or the canonical articles.jsonl of the
// retrieval datasets. Idempotent by slug (same content → unchanged, different → a new version
// through the same rules as PATCH). A bad file is reported and skipped, never fatal.

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: { source: string; error: string }[];
}

/** Called after each batch (and once before the first) with how many sources are done. */
export type ImportProgress = (done: number, total: number) => void;

interface ImportItem extends NewArticle {
  source: string;
}

/** Articles per transaction: big enough to be fast, small enough that a retry is cheap. */
const BATCH_SIZE = 100;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Each `*.md` file in `dir` (not recursive); the slug is the file name. */
export async function importMarkdownDir(ctx: ServiceContext, dir: string, onProgress?: ImportProgress): Promise<ImportResult> {
  requireKbStaff(ctx.actor);
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith(".md")).sort();
  const items: ImportItem[] = [];
  const failed: ImportResult["failed"] = [];
  for (const file of files) {
    try {
      const parsed = parseMarkdownArticle(await readFile(join(dir, file), "utf8"), file);
      items.push({ source: file, slug: checkSlug(slugify(file.slice(0, -3)), "file name"), status: parsed.status, ...checkContent(parsed, "") });
    } catch (err) {
      failed.push({ source: file, error: message(err) });
    }
  }
  return importItems(ctx, items, failed, onProgress);
}

const jsonlArticle = z.object({ id: z.string().trim().min(1), title: z.string(), body: z.string() });

/**
 * The canonical `{"id","title","body"}` lines. The slug comes from the id and the original id
 * stays in metadata.externalId (evaluations map their `relevant` ids through it). Published,
 * category "general", no tags: these are reference collections, not drafts.
 */
export async function importJsonl(ctx: ServiceContext, file: string, onProgress?: ImportProgress): Promise<ImportResult> {
  requireKbStaff(ctx.actor);
  const lines = (await readFile(file, "utf8")).split(/\r?\n/);
  const name = basename(file);
  const items: ImportItem[] = [];
  const failed: ImportResult["failed"] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const source = `${name}:${i + 1}`;
    try {
      const parsed = jsonlArticle.safeParse(JSON.parse(line));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${issue.path.join(".") || "line"}: ${issue.message}`);
      }
      const { id, title, body } = parsed.data;
      const content = checkContent({ title, body, category: "general", tags: [] }, "");
      items.push({ source, slug: checkSlug(slugify(id), "id"), status: "published", metadata: { externalId: id }, ...content });
    } catch (err) {
      failed.push({ source, error: message(err) });
    }
  });
  return importItems(ctx, items, failed, onProgress);
}

async function importItems(ctx: ServiceContext, all: ImportItem[], failed: ImportResult["failed"], onProgress?: ImportProgress): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, failed };
  // Two sources with one slug would overwrite each other on every run: keep the first, report the rest.
  const seen = new Map<string, string>();
  const items = all.filter((item) => {
    const first = seen.get(item.slug);
    if (first) failed.push({ source: item.source, error: `slug "${item.slug}" is also used by ${first}` });
    else seen.set(item.slug, item.source);
    return !first;
  });
  const rejected = failed.length;
  const total = items.length + rejected;
  onProgress?.(rejected, total);
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const batch = items.slice(start, start + BATCH_SIZE);
    let enqueued = false;
    try {
      const outcomes = await runAs(ctx.db, ctx.actor, (tx) => importBatch(tx, ctx.actor, batch));
      enqueued = tally(result, outcomes);
    } catch {
      // One bad row aborts the batch's transaction: redo it one article per transaction so only
      // the culprit is reported.
      for (const item of batch) {
        try {
          enqueued = tally(result, await runAs(ctx.db, ctx.actor, (tx) => importBatch(tx, ctx.actor, [item]))) || enqueued;
        } catch (err) {
          failed.push({ source: item.source, error: message(err) });
        }
      }
    }
    if (enqueued) ctx.notifyJobs();
    onProgress?.(rejected + start + batch.length, total);
  }
  return result;
}

type Outcome = { kind: "created" | "updated" | "unchanged"; enqueued: boolean };

function tally(result: ImportResult, outcomes: Outcome[]): boolean {
  for (const o of outcomes) result[o.kind]++;
  return outcomes.some((o) => o.enqueued);
}

async function importBatch(tx: Transaction, actor: Actor, batch: ImportItem[]): Promise<Outcome[]> {
  const existing = new Map<string, ArticleRow>();
  const rows = await tx
    .select()
    .from(kbArticles)
    .where(inArray(kbArticles.slug, batch.map((b) => b.slug)))
    .for("update");
  for (const row of rows) existing.set(row.slug, row);
  const outcomes: Outcome[] = [];
  const fresh: NewArticle[] = [];
  for (const { source: _source, ...item } of batch) {
    const current = existing.get(item.slug);
    if (!current) {
      fresh.push(item);
    } else if (isNoop(current, item)) {
      outcomes.push({ kind: "unchanged", enqueued: false });
    } else {
      const { slug: _slug, ...change } = item;
      outcomes.push({ kind: "updated", enqueued: (await applyChange(tx, actor, current, change)).enqueued });
    }
  }
  for (const { enqueued } of await insertArticles(tx, actor, fresh)) outcomes.push({ kind: "created", enqueued });
  return outcomes;
}

/** A one-line text progress bar for terminals: `[#######.............]  35% 350/1000`. */
export function formatProgress(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
}
