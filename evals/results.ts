// What each eval returns: plain data, written as is by --json and read by the reports and the
// regression gate. Rates are fractions in [0, 1]; null = no item to measure it on.
import type { ClassificationReport } from "../src/ai/classifier/metrics.js";
import type { RankingMetrics } from "./metrics/ranking.js";

export interface ClassifyResult {
  kind: "classify";
  dataset: string;
  dir: string;
  provider: string;
  model: string;
  train: number;
  test: number;
  labels: number;
  /** The production abstain threshold (TRIAGE_CONFIDENCE_THRESHOLD) and how the model fares at it. */
  threshold: { value: number; coverage: number; accuracy: number };
  report: ClassificationReport;
  seconds: { train: number; trainCpu: number; predict: number; total: number };
  /** Rows the provider failed on (LLM errors); counted as wrong, never dropped. */
  errors: number;
}

export interface RetrievalResult {
  kind: "retrieval";
  dataset: string;
  dir: string;
  embedder: string;
  articles: number;
  /** Queries fed as learned questions first (--learn), and the share asked for. */
  learnFraction: number;
  learned: number;
  /** Queries evaluated (the rest): answerable ones score rankings, unanswerable ones abstention. */
  evaluated: number;
  answerable: number;
  unanswerable: number;
  system: RankingMetrics;
  bm25: RankingMetrics;
  /** Instant answers that gave an answer (did not abstain) on answerable queries. */
  answerRate: number | null;
  /** Instant answers that abstained on unanswerable queries (relevant = []). */
  abstainRate: number | null;
  threshold: number;
  seconds: { index: number; queries: number; total: number };
  msPerQuery: number;
}

export interface DraftsResult {
  kind: "drafts";
  dataset: string;
  dir: string;
  provider: string;
  model: string;
  learnFraction: number;
  learned: number;
  /** Queries with a reference answer that were drafted for. */
  withReference: number;
  /** Of those, drafts that abstained ("needs a human"). */
  abstained: number;
  abstainRate: number | null;
  /** Means over the drafts that did not abstain. */
  citationAccuracy: number | null;
  groundedness: number | null;
  tokenF1: number | null;
  rougeL: number | null;
  /** Unanswerable queries (relevant = []) drafted for, and the share that abstained. */
  unanswerable: number;
  abstainRateUnanswerable: number | null;
  /** Sentences left out of groundedness and overlap as framing (greeting, sign-off, links). */
  framingSentences: string[];
  threshold: number;
  seconds: { index: number; drafts: number; total: number };
  msPerDraft: number;
  examples: Array<{ id: string; query: string; reference: string; answer: string; citedRelevant: boolean; groundedness: number | null; tokenF1: number }>;
}

export type EvalResult = ClassifyResult | RetrievalResult | DraftsResult;

export interface EvalRun {
  startedAt: string;
  command: string;
  results: EvalResult[];
}
