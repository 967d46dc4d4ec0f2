// KB search latency at 50,000 chunks in embedded mode (in-memory PGlite), beside the raw SQL
// vector query it is built on, measured in the same process and run:
//   search: searchKb as a signed-in customer (runAs + row-level security, query embedding,
//           hybrid HNSW + full-text candidates over chunks and learned questions, RRF,
//           passages with highlights, confidence);
//   raw:    the vector query the search itself runs for chunk candidates (same ORDER BY, LIMIT
//           and model filter: SEARCH_TUNING.perList rows), as the superuser, with the same query
//           vector (embedded once, outside the timing); and, for reference, the bare
//           SELECT id … ORDER BY embedding <=> $1 LIMIT 10;
//   sameSql: the statements the search sends — query analysis, the hybrid candidates statement,
//           the passage read of the chunks it returned — in one transaction as the superuser:
//           the database's share of a search, without row-level security, the query embedding,
//           fusion, highlighting and confidence (what the service layers add shows as the ratio).
// Queries alternate search/raw so both see the same machine load. Prints p50/p95 and the ratio,
// and recall@5 of the article each query was drawn from (so a faster search that finds less shows).
//
//   npx tsx bench/kb-search.ts [--chunks 50000] [--queries 300] [--learned 2000] [--snapshot file.tar]
//
// --snapshot keeps the loaded database in a file (PGlite dumpDataDir) and reuses it on the next
// run with the same sizes: loading 50,000 chunks takes minutes, searching them does not.
//
// Synthetic KB: articles of 10 chunks of ~320 words over a Zipf-distributed 20,000-word
// vocabulary, each article with its own topic words; queries are 2–5 words from an article's
// topics plus common words. Chunks are written directly (content, embedding from the local
// embedder) rather than through indexArticle, and the HNSW index is rebuilt once after the
// bulk load (same definition as the migration) — loading is not what is measured.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, pgliteOptions, queryRows, type DatabaseHandle } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { kbArticles, kbChunks, kbLearnedQuestions, users } from "../db/schema/index.js";
import { seededRandom } from "../src/ai/classifier/linear-svm.js";
import { LocalEmbedder } from "../src/ai/embeddings/local.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import type { ServiceContext } from "../src/services/context.js";
import { SEARCH_TUNING, candidateOptions, loadPassages, searchKb } from "../src/services/kb/search.js";
import { analyzeQuery, fetchCandidates } from "../src/services/kb/search-candidates.js";
import { getTermStats } from "../src/services/kb/term-stats.js";

const { values } = parseArgs({
  options: { chunks: { type: "string" }, queries: { type: "string" }, learned: { type: "string" }, explain: { type: "boolean" }, snapshot: { type: "string" } },
});
const CHUNKS = Number(values.chunks ?? 50_000);
const QUERIES = Number(values.queries ?? 300);
const LEARNED = Number(values.learned ?? 2_000);
const CHUNKS_PER_ARTICLE = 10;
const VOCABULARY = 20_000;

// Seeded, so every run builds the same KB and asks the same questions.
const rand = seededRandom(42);
const SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "dor", "pel", "sun", "bra", "ex", "ni", "tor", "ga", "lix", "mon", "fa", "ri", "zel"];
const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => {
  let w = "";
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});
// Zipf(1): word i drawn with probability ∝ 1/(i+1), by inverse CDF over the cumulative weights.
const cumulative = vocabulary.map((_, i) => 1 / (i + 1)).map(((s) => (w: number) => (s += w))(0));
const zipf = (random = rand) => {
  const x = random() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo]!;
};
const topicOf = (a: number) => Array.from({ length: 12 }, (_, i) => vocabulary[200 + ((a * 7919 + i * 104729) % (VOCABULARY - 200))]!);
function sentence(topic: string[]): string {
  const words = Array.from({ length: 8 + Math.floor(rand() * 8) }, () => (rand() < 0.25 ? topic[Math.floor(rand() * topic.length)]! : zipf()));
  return words.join(" ").replace(/^./, (c) => c.toUpperCase()) + ".";
}

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

/** Builds the synthetic KB from scratch: articles, chunks with embeddings, learned questions. */
async function load(articles: number, embedder: LocalEmbedder): Promise<DatabaseHandle> {
  const database = await openDatabase({});
  await runMigrations(database);
  const db = database.db;
  // Indexes are rebuilt once after the bulk load (same definitions as the migration).
  await db.execute(sql`DROP INDEX kb_chunks_embedding_idx`);
  await db.execute(sql`DROP INDEX kb_chunks_tsv_idx`);
  for (let a = 0; a < articles; a += 100) {
    const batch = Array.from({ length: Math.min(100, articles - a) }, (_, i) => a + i);
    const rows = await db
      .insert(kbArticles)
      .values(batch.map((n) => ({ slug: `article-${n}`, title: topicOf(n).slice(0, 4).join(" "), body: "(generated)", category: "technical", status: "published" as const })))
      .returning({ id: kbArticles.id });
    const chunks = batch.flatMap((n, i) =>
      Array.from({ length: CHUNKS_PER_ARTICLE }, (_, position) => {
        const topic = topicOf(n);
        const content = `${topic.slice(0, 4).join(" ")} > Part ${position + 1}\n\n${Array.from({ length: 24 }, () => sentence(topic)).join(" ")}`;
        return { articleId: rows[i]!.id, articleVersion: 1, position, headingPath: [`Part ${position + 1}`], content, tokenCount: 420 };
      }),
    );
    const vectors = await embedder.embed(chunks.map((c) => c.content), "passage");
    await db.insert(kbChunks).values(chunks.map((c, i) => ({ ...c, embedding: vectors[i]!, embeddingModel: embedder.model })));
    process.stderr.write(`\rloading ${Math.min(articles, a + 100) * CHUNKS_PER_ARTICLE}/${CHUNKS} chunks`);
  }
  process.stderr.write(`\nbuilding the indexes…\n`);
  await db.execute(sql`SET maintenance_work_mem = '512MB'`);
  await db.execute(sql`CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv)`);
  await db.execute(sql`CREATE INDEX kb_chunks_embedding_idx ON kb_chunks USING hnsw (embedding vector_cosine_ops)`);
  const articleIds = (await db.select({ id: kbArticles.id }).from(kbArticles)).map((r) => r.id);
  for (let i = 0; i < LEARNED; i += 200) {
    const questions = Array.from({ length: Math.min(200, LEARNED - i) }, (_, j) => {
      const n = Math.floor(rand() * articles);
      return { articleId: articleIds[n]!, question: `how do I ${topicOf(n).slice(2, 5).join(" ")} ${zipf()} ${i + j}` };
    });
    const vectors = await embedder.embed(questions.map((q) => q.question), "passage");
    await db.insert(kbLearnedQuestions).values(questions.map((q, k) => ({ ...q, source: "import" as const, embedding: vectors[k]!, embeddingModel: embedder.model })));
  }
  await db.insert(users).values({ email: "bench@example.test", fullName: "Bench", role: "customer", passwordHash: "x" });
  await db.execute(sql`ANALYZE`);
  return database;
}

async function main() {
  const articles = Math.ceil(CHUNKS / CHUNKS_PER_ARTICLE);
  const embedder = new LocalEmbedder();
  const snapshot = values.snapshot ? `${values.snapshot}.${CHUNKS}-${LEARNED}` : undefined;
  const started = performance.now();
  const reuse = snapshot !== undefined && existsSync(snapshot);
  const database = reuse
    ? await openDatabase({ pglite: await PGlite.create(pgliteOptions({ loadDataDir: new Blob([readFileSync(snapshot)]) })) })
    : await load(articles, embedder);
  // Streamed: a data directory can outgrow what one write call takes (2 GiB).
  const saveSnapshot = async () => {
    const dump = await database.pglite!.dumpDataDir("none");
    await pipeline(Readable.fromWeb(dump.stream() as import("node:stream/web").ReadableStream), createWriteStream(snapshot!));
  };
  if (snapshot && !reuse) await saveSnapshot();
  // A snapshot made before a newer migration gets it now (policies and functions search relies on).
  // A migration that rewrites rows leaves dead tuples in the indexes, and embedded PGlite never
  // vacuums on its own: vacuum, then keep the migrated snapshot so the next run starts clean.
  if (reuse) {
    const applied = async () => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`))[0]!.n;
    const before = await applied();
    await runMigrations(database);
    if ((await applied()) > before) {
      process.stderr.write("newer migrations applied to the snapshot: vacuuming and saving it\n");
      await database.db.execute(sql`VACUUM ANALYZE`);
      await saveSnapshot();
    }
  }
  const db = database.db;
  const [customer] = await db.select().from(users).where(sql`${users.email} = 'bench@example.test'`);
  const statsStarted = performance.now();
  const stats = await getTermStats(db);
  const statsMs = performance.now() - statsStarted;
  console.log(
    `${CHUNKS} chunks in ${articles} articles, ${LEARNED} learned questions; ${reuse ? `restored from ${snapshot}` : "loaded"} in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `term statistics (ts_stat) counted in ${statsMs.toFixed(0)} ms (${stats.documents} chunks)`,
  );

  const config = loadConfig({ LOG_LEVEL: "silent", NODE_ENV: "production" });
  const ctx: ServiceContext = {
    db,
    actor: { kind: "user", id: customer!.id, role: "customer", email: customer!.email, fullName: customer!.fullName },
    config,
    logger: createLogger(config),
    storage: new LocalDiskStorage("/tmp/autocrm-bench-attachments"),
    embedder,
    notifyJobs: () => {},
  };
  // Queries draw from their own generator, so a restored snapshot asks the same questions.
  const qrand = seededRandom(7);
  const queries = Array.from({ length: QUERIES + 20 }, () => {
    const source = Math.floor(qrand() * articles);
    const topic = topicOf(source);
    const picked = Array.from({ length: 2 + Math.floor(qrand() * 4) }, () => (qrand() < 0.7 ? topic[Math.floor(qrand() * topic.length)]! : zipf(qrand)));
    return { q: picked.join(" "), slug: `article-${source}` };
  });

  const searchMs: number[] = [];
  const rawMs: number[] = [];
  const raw10Ms: number[] = [];
  const sameSqlMs: number[] = [];
  // CPU time as well: PGlite runs on this thread, so a search's CPU time is its cost, whatever
  // else the machine is doing (wall-clock percentiles on a shared machine say as much about the
  // neighbours).
  const searchCpu: number[] = [];
  const rawCpu: number[] = [];
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  let found = 0;
  for (const [i, { q, slug }] of queries.entries()) {
    const [vector] = await embedder.embed([q], "query", { stats });
    const literal = JSON.stringify(vector);
    let t = performance.now();
    let cpu = process.cpuUsage();
    const input = { q, limit: 10 };
    const result = await searchKb(ctx, input);
    const s = performance.now() - t;
    const sCpu = cpuMs(process.cpuUsage(cpu));
    t = performance.now();
    cpu = process.cpuUsage();
    await queryRows(
      db,
      sql`SELECT c.id, c.article_id, c.embedding <=> ${literal}::vector AS score FROM kb_chunks c WHERE c.embedding_model = ${embedder.model}
          ORDER BY c.embedding <=> ${literal}::vector LIMIT ${SEARCH_TUNING.perList}`,
    );
    const r = performance.now() - t;
    const rCpu = cpuMs(process.cpuUsage(cpu));
    t = performance.now();
    await queryRows(db, sql`SELECT id FROM kb_chunks ORDER BY embedding <=> ${literal}::vector LIMIT 10`);
    const r10 = performance.now() - t;
    const shownChunks = result.results.flatMap((hit) => hit.passages.map((passage) => passage.chunkId));
    t = performance.now();
    await db.transaction(async (tx) => {
      const lexical = await analyzeQuery(tx, q, stats);
      await fetchCandidates(tx, candidateOptions(input, { vector, model: embedder.model, lexical, stats }));
      // The shown chunks by id: the same rows the search read (an article found only through a
      // learned question shows its opening chunk, which the search selects by position instead).
      await loadPassages(tx, shownChunks, []);
    });
    const same = performance.now() - t;
    if (i >= 20) {
      // the first 20 warm caches up
      searchMs.push(s), rawMs.push(r), raw10Ms.push(r10), sameSqlMs.push(same), searchCpu.push(sCpu), rawCpu.push(rCpu);
      if (result.results.slice(0, 5).some((hit) => hit.slug === slug)) found++;
    }
    if (i === 20 && result.results.length === 0) console.warn("warning: a query found nothing");
    if (i === 0 && values.explain) {
      const plan = await queryRows<Record<string, string>>(db, sql`EXPLAIN ANALYZE SELECT id FROM kb_chunks ORDER BY embedding <=> ${literal}::vector LIMIT 10`);
      console.log(plan.map((r) => Object.values(r)[0]).join("\n"));
    }
  }
  const row = (name: string, xs: number[]) => `${name.padEnd(8)} p50 ${p(xs, 0.5).toFixed(2).padStart(7)} ms   p95 ${p(xs, 0.95).toFixed(2).padStart(7)} ms`;
  console.log(row("search", searchMs));
  console.log(row("raw", rawMs) + `   (the search's own chunk vector query, LIMIT ${SEARCH_TUNING.perList})`);
  console.log(row("raw10", raw10Ms) + "   (SELECT id … LIMIT 10, for reference)");
  console.log(row("sameSql", sameSqlMs) + "   (the search's own statements, as the superuser, no service around them)");
  const ratio = p(searchMs, 0.95) / p(rawMs, 0.95);
  console.log(`p95 ratio search/raw: ${ratio.toFixed(2)}× (target ≤ 1.5×); search p95 ${p(searchMs, 0.95) < 30 ? "<" : "≥"} 30 ms`);
  console.log(`p95 ratio search/sameSql: ${(p(searchMs, 0.95) / p(sameSqlMs, 0.95)).toFixed(2)}×`);
  console.log(`recall@5 of the article each query was drawn from: ${(found / searchMs.length).toFixed(3)}`);
  console.log(`CPU time per query: ${row("search", searchCpu).trim()}; ${row("raw", rawCpu).trim()}; p95 ratio ${(p(searchCpu, 0.95) / p(rawCpu, 0.95)).toFixed(2)}×`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  await database.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
