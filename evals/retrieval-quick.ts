// Retrieval quality on a canonical dataset (../shared/data/retrieval/<name>): loads the
// articles into a fresh in-memory PGlite as published KB articles, indexes them through the
// real indexing job, runs every query through the real search (as an anonymous visitor, so
// row-level security is in the path) and instant answers, and prints recall@1, recall@5,
// MRR@10 — beside a BM25 baseline (k1 1.2, b 0.75) computed here over title + body.
//
//   npx tsx evals/retrieval-quick.ts /work/shared/data/retrieval/stackfaq [--learn 0.5] [--dump features.jsonl]
//
// --learn F feeds a fraction F of the queries (every article's, chosen by a hash of the query
// id) as learned questions first and evaluates on the rest. --dump writes per-query confidence
// features (to fit the confidence model); --tuning '{"rrfK":30}' overrides search tuning.
// The data is read at run time, never copied.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { kbArticles } from "../db/schema/index.js";
import { ANONYMOUS } from "../src/auth/actor.js";
import { createEmbedder } from "../src/ai/embeddings/index.js";
import { hash32 } from "../src/ai/embeddings/local.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import type { ServiceContext } from "../src/services/context.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import { indexArticle } from "../src/services/kb/indexing.js";
import { learnQuestion } from "../src/services/kb/learned-questions.js";
import { SEARCH_TUNING, runSearch, type SearchTuning } from "../src/services/kb/search.js";

interface Article { id: string; title: string; body: string }
interface Query { id: string; query: string; relevant: string[]; answer: string | null }

const readJsonl = <T>(path: string): T[] => readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as T);

function bm25(articles: Article[], k1 = 1.2, b = 0.75) {
  const tok = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const docs = articles.map((a) => tok(`${a.title} ${a.body}`));
  const avg = docs.reduce((n, d) => n + d.length, 0) / docs.length;
  const df = new Map<string, number>();
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    return tf;
  });
  return (query: string): string[] => {
    const terms = new Set(tok(query));
    const scores = docs.map((d, i) => {
      let s = 0;
      for (const t of terms) {
        const f = tfs[i]!.get(t);
        if (!f) continue;
        const n = df.get(t)!;
        s += Math.log(1 + (docs.length - n + 0.5) / (n + 0.5)) * ((f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avg)));
      }
      return s;
    });
    return scores.map((s, i) => [s, i] as const).filter(([s]) => s > 0).sort((x, y) => y[0] - x[0]).slice(0, 10).map(([, i]) => articles[i]!.id);
  };
}

class Metrics {
  n = 0; r1 = 0; r5 = 0; mrr = 0;
  add(ranking: string[], relevant: string[]) {
    const pos = ranking.findIndex((id) => relevant.includes(id));
    this.n++;
    if (pos === 0) this.r1++;
    if (pos >= 0 && pos < 5) this.r5++;
    if (pos >= 0 && pos < 10) this.mrr += 1 / (pos + 1);
  }
  row(name: string) {
    const f = (x: number) => (x / Math.max(1, this.n)).toFixed(3);
    return `${name.padEnd(22)} recall@1 ${f(this.r1)}  recall@5 ${f(this.r5)}  MRR@10 ${f(this.mrr)}`;
  }
}

async function main() {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { learn: { type: "string" }, dump: { type: "string" }, tuning: { type: "string" } } });
  const tuning = { ...SEARCH_TUNING, ...(values.tuning ? (JSON.parse(values.tuning) as Partial<SearchTuning>) : {}) };
  const dir = positionals[0];
  if (!dir) throw new Error("usage: retrieval-quick.ts <dataset dir> [--learn 0.5] [--dump file.jsonl]");
  const articles = readJsonl<Article>(`${dir}/articles.jsonl`);
  const queries = readJsonl<Query>(`${dir}/queries.jsonl`);
  const learnShare = Number(values.learn ?? 0);
  const learned = (q: Query) => learnShare > 0 && q.relevant.length > 0 && (hash32(q.id) % 1000) / 1000 < learnShare;

  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", DATABASE_URL: undefined });
  const database = await openDatabase({});
  await runMigrations(database);
  const embedder = createEmbedder(config);
  const ctx: ServiceContext = {
    db: database.db, actor: ANONYMOUS, config, logger: createLogger(config), embedder,
    storage: new LocalDiskStorage("/tmp/autocrm-eval-attachments"), notifyJobs: () => {},
  };

  const started = performance.now();
  const ids = new Map<string, string>();
  for (const a of articles) {
    const slug = a.id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "article";
    const [row] = await database.db
      .insert(kbArticles)
      .values({ slug: `${slug}-${ids.size}`, title: a.title, body: a.body, category: "eval", status: "published", publishedAt: new Date() })
      .returning({ id: kbArticles.id });
    ids.set(row!.id, a.id);
    await indexArticle({ db: database.db, embedder }, row!.id);
  }
  const byDatasetId = new Map([...ids].map(([k, v]) => [v, k]));
  let learnedCount = 0;
  for (const q of queries.filter(learned)) {
    if (await learnQuestion({ db: database.db, embedder }, byDatasetId.get(q.relevant[0]!)!, q.query, "import", null)) learnedCount++;
  }
  const indexSeconds = (performance.now() - started) / 1000;

  const baseline = bm25(articles);
  const ours = new Metrics();
  const base = new Metrics();
  const threshold = config.ANSWER_CONFIDENCE_THRESHOLD;
  let answerable = 0, answered = 0, unanswerable = 0, abstained = 0;
  const dump: string[] = [];
  const searchStarted = performance.now();
  const evaluated = queries.filter((q) => !learned(q));
  for (const q of evaluated) {
    const { result, features } = await runSearch(ctx, { q: q.query, limit: 10 }, tuning);
    const ranking = result.results.map((r) => ids.get(r.articleId)!);
    // Abstention is the instant-answer rule (answers.ts): no result, or confidence below the threshold.
    const abstains = result.results.length === 0 || result.confidence < threshold;
    if (q.relevant.length > 0) {
      ours.add(ranking, q.relevant);
      base.add(baseline(q.query), q.relevant);
      answerable++;
      if (!abstains) answered++;
    } else {
      unanswerable++;
      if (abstains) abstained++;
    }
    if (values.dump) dump.push(JSON.stringify({ id: q.id, answerable: q.relevant.length > 0, top1: q.relevant.includes(ranking[0] ?? ""), top3: ranking.slice(0, 3).some((id) => q.relevant.includes(id)), confidence: result.confidence, features }));
  }
  const perQueryMs = (performance.now() - searchStarted) / Math.max(1, evaluated.length);
  if (values.dump) writeFileSync(values.dump, dump.join("\n") + "\n");

  console.log(`${dir}: ${articles.length} articles indexed in ${indexSeconds.toFixed(1)} s (${embedder.model}); ${evaluated.length} queries, ${perQueryMs.toFixed(1)} ms each${learnShare ? `; ${learnedCount} fed as learned questions` : ""}`);
  console.log(ours.row("hybrid search"));
  console.log(base.row("BM25 baseline"));
  console.log(`answer rate (confidence >= ${threshold}) on answerable: ${(answered / Math.max(1, answerable)).toFixed(3)}`);
  if (unanswerable > 0) console.log(`abstain rate on unanswerable: ${(abstained / unanswerable).toFixed(3)} (${abstained}/${unanswerable})`);
  await database.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
