// The canonical evaluation formats (../shared/data/README.md): finding dataset folders, telling
// their kind from the files they hold, and reading them with the shapes checked at the edge.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { hash32 } from "../src/ai/stable-hash.js";

export const classifyRow = z.object({ id: z.string(), subject: z.string().nullable().optional(), text: z.string(), label: z.string().min(1) });
export const articleRow = z.object({ id: z.string().min(1), title: z.string(), body: z.string() });
export const queryRow = z.object({ id: z.string(), query: z.string(), relevant: z.array(z.string()), answer: z.string().nullable().optional() });

export type ClassifyRow = z.infer<typeof classifyRow>;
export type ArticleRow = z.infer<typeof articleRow>;
export type QueryRow = z.infer<typeof queryRow>;

export type DatasetKind = "classify" | "retrieval";

export interface DatasetRef {
  name: string;
  dir: string;
  kind: DatasetKind;
}

/** Which format a folder is in, by the files it holds; null when it is neither. */
export function detectKind(dir: string): DatasetKind | null {
  const has = (f: string) => existsSync(join(dir, f));
  if (has("train.jsonl") && has("test.jsonl")) return "classify";
  if (has("articles.jsonl") && has("queries.jsonl")) return "retrieval";
  return null;
}

export function datasetAt(dir: string): DatasetRef {
  const full = resolve(dir);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir}: not a directory`);
  const kind = detectKind(full);
  if (!kind) throw new Error(`${dir}: neither train.jsonl + test.jsonl (classify) nor articles.jsonl + queries.jsonl (retrieval)`);
  return { name: basename(full), dir: full, kind };
}

/**
 * Every dataset folder at most `depth` levels below root (root itself included), sorted by path:
 * `--all ../shared/data` finds classify/<name> and retrieval/<name> alike.
 */
export function findDatasets(root: string, depth = 2): DatasetRef[] {
  const found: DatasetRef[] = [];
  const walk = (dir: string, level: number) => {
    const kind = detectKind(dir);
    if (kind) {
      found.push({ name: basename(dir), dir, kind });
      return;
    }
    if (level >= depth) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && !entry.name.startsWith(".")) walk(join(dir, entry.name), level + 1);
    }
  };
  const full = resolve(root);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${root}: not a directory`);
  walk(full, 0);
  return found;
}

/** One JSON object per line, each checked against `schema`; a bad line names its file and number. */
export function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  const rows: T[] = [];
  readFileSync(path, "utf8")
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${i + 1}: not JSON`);
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${path}:${i + 1}: ${issue.path.join(".") || "line"}: ${issue.message}`);
      }
      rows.push(parsed.data);
    });
  return rows;
}

export function loadClassify(dir: string): { train: ClassifyRow[]; test: ClassifyRow[] } {
  return { train: readJsonl(join(dir, "train.jsonl"), classifyRow), test: readJsonl(join(dir, "test.jsonl"), classifyRow) };
}

export function loadRetrieval(dir: string): { articles: ArticleRow[]; queries: QueryRow[] } {
  return { articles: readJsonl(join(dir, "articles.jsonl"), articleRow), queries: readJsonl(join(dir, "queries.jsonl"), queryRow) };
}

/** The split hash (src/ai/stable-hash.ts): every eval tool splits and samples by it. */
export const stableHash = hash32;

/** A position in [0, 1) fixed by the id: fractions and samples chosen by it are reproducible. */
export const hashFraction = (id: string) => (stableHash(id) % 1000) / 1000;

/** The first `n` rows in hash order of their ids: a deterministic sample spread over the file. */
export function sampleById<T extends { id: string }>(rows: readonly T[], n: number | undefined): T[] {
  if (n === undefined || n >= rows.length) return [...rows];
  return [...rows].sort((a, b) => stableHash(a.id) - stableHash(b.id) || a.id.localeCompare(b.id)).slice(0, n);
}
