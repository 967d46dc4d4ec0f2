// The plain-text summary printed to stdout after each eval.
import type { ClassifyResult, DraftsResult, EvalResult, RetrievalResult } from "../results.js";

const f3 = (x: number | null) => (x === null ? "  n/a" : x.toFixed(3));
const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
const secs = (x: number) => `${x.toFixed(1)} s`;

function classifyText(r: ClassifyResult): string[] {
  const rep = r.report;
  const lines = [
    `== classify ${r.dataset} (${r.provider}: ${r.model}) — train ${r.train}, test ${r.test}, labels ${r.labels}` +
      `${r.errors ? `, ${r.errors} provider errors counted wrong` : ""}`,
    `accuracy ${f3(rep.accuracy)}  macro-F1 ${f3(rep.macroF1)}  ECE ${f3(rep.expectedCalibrationError)}  ` +
      `train ${secs(r.seconds.train)} (cpu ${secs(r.seconds.trainCpu)})  predict ${secs(r.seconds.predict)}`,
    `at the abstain threshold ${r.threshold.value}: answers ${pct(r.threshold.coverage)} of rows at ${pct(r.threshold.accuracy)} accuracy`,
    "accuracy vs coverage:  threshold  coverage  accuracy",
    ...rep.coverage.map((c) => `                       ${c.threshold.toFixed(2).padStart(9)}  ${pct(c.coverage).padStart(8)}  ${pct(c.accuracy).padStart(8)}`),
    "most confused (gold → predicted):",
    ...rep.confusedPairs.slice(0, 10).map((c) => `  ${String(c.count).padStart(4)}×  ${c.gold} → ${c.predicted}`),
    "per label (worst F1 first):  precision  recall     F1  support",
  ];
  const width = Math.min(40, Math.max(...rep.perLabel.map((s) => s.label.length)));
  for (const s of [...rep.perLabel].sort((a, b) => a.f1 - b.f1 || a.label.localeCompare(b.label))) {
    lines.push(`  ${s.label.slice(0, width).padEnd(width)}  ${f3(s.precision)}  ${f3(s.recall)}  ${f3(s.f1)}  ${String(s.support).padStart(7)}`);
  }
  return lines;
}

function retrievalText(r: RetrievalResult): string[] {
  const row = (name: string, m: RetrievalResult["system"]) =>
    `  ${name.padEnd(14)} ${f3(m.recallAt1)}    ${f3(m.recallAt5)}    ${f3(m.mrrAt10)}   ${f3(m.ndcgAt10)}`;
  return [
    `== retrieval ${r.dataset} — ${r.articles} articles (${r.embedder}), ${r.evaluated} queries evaluated` +
      (r.learnFraction ? `, ${r.learned} fed as learned questions (--learn ${r.learnFraction})` : ""),
    "                 recall@1 recall@5  MRR@10  nDCG@10",
    row("hybrid search", r.system),
    row("BM25 baseline", r.bm25),
    `instant answers (confidence ≥ ${r.threshold}): answer rate on answerable ${f3(r.answerRate)} (${r.answerable})` +
      (r.unanswerable ? `, abstain rate on unanswerable ${f3(r.abstainRate)} (${r.unanswerable})` : ", no unanswerable queries"),
    `time: index ${secs(r.seconds.index)}, queries ${secs(r.seconds.queries)} (${r.msPerQuery.toFixed(0)} ms each, search + instant answer)`,
  ];
}

function draftsText(r: DraftsResult): string[] {
  return [
    `== drafts ${r.dataset} (${r.provider}: ${r.model}) — ${r.withReference} queries with a reference answer` +
      (r.unanswerable ? `, ${r.unanswerable} unanswerable` : "") +
      (r.learnFraction ? `; ${r.learned} learned questions (--learn ${r.learnFraction})` : ""),
    `abstain rate ${f3(r.abstainRate)} (${r.abstained}/${r.withReference})` +
      (r.unanswerable ? `; on unanswerable ${f3(r.abstainRateUnanswerable)}` : ""),
    `over the ${r.withReference - r.abstained} drafts sent: citation accuracy ${f3(r.citationAccuracy)}  groundedness ${f3(r.groundedness)}  ` +
      `token-F1 ${f3(r.tokenF1)}  ROUGE-L ${f3(r.rougeL)}`,
    `time: index ${secs(r.seconds.index)}, drafts ${secs(r.seconds.drafts)} (${r.msPerDraft.toFixed(0)} ms each)`,
  ];
}

export function resultText(r: EvalResult): string {
  const lines = r.kind === "classify" ? classifyText(r) : r.kind === "retrieval" ? retrievalText(r) : draftsText(r);
  return `${lines.join("\n")}\n`;
}
