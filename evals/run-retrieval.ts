// `autocrm eval retrieval`: every query through the real KB search (ranking, as an anonymous
// visitor) and the real instant-answer service (answer or abstain), beside the BM25 baseline on
// the very same queries.
import type { Config } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import { answerQuestion } from "../src/services/kb/answers.js";
import { runSearch } from "../src/services/kb/search.js";
import { bm25Ranker } from "./baselines/bm25.js";
import { loadRetrieval, sampleById, type DatasetRef } from "./datasets.js";
import { isLearned, learnQueries, loadEvalKb, type EvalKbOptions } from "./eval-kb.js";
import { RankingAccumulator } from "./metrics/ranking.js";
import type { RetrievalResult } from "./results.js";

export interface RetrievalOptions extends EvalKbOptions {
  /** Share of the answerable queries fed as learned questions first (0–1). */
  learn?: number;
  /** Evaluated queries (a deterministic sample by id); default all. */
  limit?: number;
}

const RANK_DEPTH = 10;

export async function evalRetrieval(config: Config, logger: Logger, dataset: DatasetRef, options: RetrievalOptions = {}): Promise<RetrievalResult> {
  const started = performance.now();
  const { articles, queries } = loadRetrieval(dataset.dir);
  const learnFraction = options.learn ?? 0;
  const learnedSet = queries.filter(isLearned(learnFraction));
  const evaluated = sampleById(queries.filter((q) => !isLearned(learnFraction)(q)), options.limit);

  const kb = await loadEvalKb(config, logger, `${dataset.dir}/articles.jsonl`, options);
  try {
    const learned = await learnQueries(kb, learnedSet, options.progress);
    const indexSeconds = (performance.now() - started) / 1000;
    const bm25 = bm25Ranker(articles);
    const system = new RankingAccumulator();
    const baseline = new RankingAccumulator();
    let answerable = 0;
    let answered = 0;
    let unanswerable = 0;
    let abstained = 0;
    const report = options.progress?.("queries");
    const queriesStarted = performance.now();
    for (const [i, q] of evaluated.entries()) {
      const { result } = await runSearch(kb.visitor, { q: q.query, limit: RANK_DEPTH });
      const ranking = result.results.map((r) => kb.toDatasetId.get(r.articleId) ?? r.articleId);
      const answer = await answerQuestion(kb.visitor, q.query);
      if (q.relevant.length > 0) {
        system.add(ranking, q.relevant);
        baseline.add(bm25(q.query, RANK_DEPTH), q.relevant);
        answerable++;
        if (!answer.abstained) answered++;
      } else {
        unanswerable++;
        if (answer.abstained) abstained++;
      }
      report?.(i + 1, evaluated.length);
    }
    const queriesSeconds = (performance.now() - queriesStarted) / 1000;
    return {
      kind: "retrieval",
      dataset: dataset.name,
      dir: dataset.dir,
      embedder: kb.system.embedder.model,
      articles: kb.toArticleId.size,
      learnFraction,
      learned,
      evaluated: evaluated.length,
      answerable,
      unanswerable,
      system: system.result(),
      bm25: baseline.result(),
      answerRate: answerable ? answered / answerable : null,
      abstainRate: unanswerable ? abstained / unanswerable : null,
      threshold: config.ANSWER_CONFIDENCE_THRESHOLD,
      seconds: { index: indexSeconds, queries: queriesSeconds, total: (performance.now() - started) / 1000 },
      msPerQuery: evaluated.length ? (queriesSeconds * 1000) / evaluated.length : 0,
    };
  } finally {
    await kb.close();
  }
}
