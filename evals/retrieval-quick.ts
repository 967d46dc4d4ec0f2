// Tuning loop for KB search on one canonical dataset: the same database, import, indexing,
// learned-question split, BM25 baseline and metrics as `autocrm eval retrieval` (eval-kb.ts,
// run-retrieval.ts), plus what tuning needs and the CLI does not offer:
//   --tuning '{"rrfK":30}'   override SEARCH_TUNING for this run
//   --dump features.jsonl    per-query confidence features (to fit the confidence model)
//
//   npx tsx evals/retrieval-quick.ts /work/shared/data/retrieval/stackfaq [--learn 0.5] [--tuning …] [--dump …]
//
// Abstention is the instant-answer rule (answers.ts) applied to the search's own confidence, so
// a tuning override shows in the answer rate too. The data is read at run time, never copied.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { abstainsOn } from "../src/services/kb/answers.js";
import { SEARCH_TUNING, runSearch, type SearchTuning } from "../src/services/kb/search.js";
import { bm25Ranker } from "./baselines/bm25.js";
import { loadRetrieval } from "./datasets.js";
import { isLearned, learnQueries, loadEvalKb } from "./eval-kb.js";
import { RankingAccumulator, type RankingMetrics } from "./metrics/ranking.js";

const row = (name: string, m: RankingMetrics) =>
  `${name.padEnd(22)} recall@1 ${m.recallAt1.toFixed(3)}  recall@5 ${m.recallAt5.toFixed(3)}  MRR@10 ${m.mrrAt10.toFixed(3)}`;

async function main() {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { learn: { type: "string" }, dump: { type: "string" }, tuning: { type: "string" } } });
  const tuning: SearchTuning = { ...SEARCH_TUNING, ...(values.tuning ? (JSON.parse(values.tuning) as Partial<SearchTuning>) : {}) };
  const dir = positionals[0];
  if (!dir) throw new Error("usage: retrieval-quick.ts <dataset dir> [--learn 0.5] [--tuning json] [--dump file.jsonl]");
  const { articles, queries } = loadRetrieval(dir);
  const learned = isLearned(Number(values.learn ?? 0));

  const config = { ...loadConfig({ ...process.env, LOG_LEVEL: "warn", DATABASE_URL: undefined }), aiProvider: "local" as const };
  const kb = await loadEvalKb(config, createLogger(config), `${dir}/articles.jsonl`);
  try {
    const learnedCount = await learnQueries(kb, queries.filter(learned));
    const baseline = bm25Ranker(articles);
    const ours = new RankingAccumulator();
    const base = new RankingAccumulator();
    const threshold = config.ANSWER_CONFIDENCE_THRESHOLD;
    let answerable = 0;
    let answered = 0;
    let unanswerable = 0;
    let abstained = 0;
    const dump: string[] = [];
    const started = performance.now();
    const evaluated = queries.filter((q) => !learned(q));
    for (const q of evaluated) {
      const { result, features } = await runSearch(kb.visitor, { q: q.query, limit: 10 }, tuning);
      const ranking = result.results.map((r) => kb.toDatasetId.get(r.articleId) ?? r.articleId);
      const abstains = abstainsOn(result, threshold);
      if (q.relevant.length > 0) {
        ours.add(ranking, q.relevant);
        base.add(baseline(q.query), q.relevant);
        answerable++;
        if (!abstains) answered++;
      } else {
        unanswerable++;
        if (abstains) abstained++;
      }
      if (values.dump) {
        const top = (k: number) => ranking.slice(0, k).some((id) => q.relevant.includes(id));
        dump.push(JSON.stringify({ id: q.id, answerable: q.relevant.length > 0, top1: top(1), top3: top(3), confidence: result.confidence, features }));
      }
    }
    const perQueryMs = (performance.now() - started) / Math.max(1, evaluated.length);
    if (values.dump) writeFileSync(values.dump, dump.join("\n") + "\n");

    console.log(
      `${dir}: ${articles.length} articles indexed in ${kb.indexSeconds.toFixed(1)} s (${kb.system.embedder.model}); ` +
        `${evaluated.length} queries, ${perQueryMs.toFixed(1)} ms each${learnedCount ? `; ${learnedCount} fed as learned questions` : ""}`,
    );
    console.log(row("hybrid search", ours.result()));
    console.log(row("BM25 baseline", base.result()));
    console.log(`answer rate (confidence >= ${threshold}) on answerable: ${(answered / Math.max(1, answerable)).toFixed(3)}`);
    if (unanswerable > 0) console.log(`abstain rate on unanswerable: ${(abstained / unanswerable).toFixed(3)} (${abstained}/${unanswerable})`);
  } finally {
    await kb.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
