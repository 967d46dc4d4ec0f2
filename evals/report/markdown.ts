// `--report out.md`: tables per eval kind and one SVG bar chart per metric, written as files in
// `<out>-charts/` beside the markdown (plain image links render on any markdown viewer).
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SUPPORT_THRESHOLD } from "../metrics/grounding.js";
import type { ClassifyResult, DraftsResult, EvalRun, RetrievalResult } from "../results.js";
import { barChartSvg, type Chart } from "./svg.js";

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(3));
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

class ChartWriter {
  readonly dir: string;
  readonly rel: string;
  constructor(reportPath: string) {
    this.rel = `${basename(reportPath).replace(/\.md$/i, "")}-charts`;
    this.dir = join(dirname(reportPath), this.rel);
  }
  /** Writes the chart and returns the markdown image line. */
  add(slug: string, chart: Chart): string {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, `${slug}.svg`), barChartSvg(chart));
    return `![${chart.title}](${this.rel}/${slug}.svg)`;
  }
}

const runLabel = (r: { dataset: string; learnFraction?: number }) => (r.learnFraction ? `${r.dataset} (learn ${r.learnFraction})` : r.dataset);

function classifySection(rs: ClassifyResult[], charts: ChartWriter): string[] {
  const providers = [...new Set(rs.map((r) => r.provider))];
  const datasets = [...new Set(rs.map((r) => r.dataset))];
  const value = (d: string, p: string, pick: (r: ClassifyResult) => number) => {
    const r = rs.find((x) => x.dataset === d && x.provider === p);
    return r ? pick(r) : null;
  };
  const chart = (slug: string, title: string, pick: (r: ClassifyResult) => number) =>
    charts.add(slug, { title, series: providers, groups: datasets.map((d) => ({ label: d, values: providers.map((p) => value(d, p, pick)) })) });
  const out = [
    "## Classification",
    "",
    table(
      ["dataset", "provider", "train / test", "labels", "accuracy", "macro-F1", "ECE", "coverage / accuracy at threshold", "train s"],
      rs.map((r) => [r.dataset, r.provider, `${r.train} / ${r.test}`, String(r.labels), f3(r.report.accuracy), f3(r.report.macroF1), f3(r.report.expectedCalibrationError), `${f3(r.threshold.coverage)} / ${f3(r.threshold.accuracy)} (≥ ${r.threshold.value})`, r.seconds.train.toFixed(1)]),
    ),
    "",
    chart("classify-accuracy", "accuracy", (r) => r.report.accuracy),
    chart("classify-macro-f1", "macro-F1", (r) => r.report.macroF1),
    "",
  ];
  for (const r of rs) {
    out.push(`### ${r.dataset} (${r.provider})`, "", "Accuracy vs coverage:", "");
    out.push(table(["threshold", "coverage", "accuracy"], r.report.coverage.map((c) => [c.threshold.toFixed(2), f3(c.coverage), f3(c.accuracy)])), "");
    out.push("Most confused (gold → predicted): " + (r.report.confusedPairs.slice(0, 5).map((c) => `${c.count}× ${cell(c.gold)} → ${cell(c.predicted)}`).join("; ") || "none"), "");
    out.push("<details><summary>Per label</summary>", "", table(["label", "precision", "recall", "F1", "support"], r.report.perLabel.map((s) => [cell(s.label), f3(s.precision), f3(s.recall), f3(s.f1), String(s.support)])), "", "</details>", "");
  }
  return out;
}

function retrievalSection(rs: RetrievalResult[], charts: ChartWriter): string[] {
  const metric = (slug: string, title: string, pick: (m: RetrievalResult["system"]) => number) =>
    charts.add(slug, { title, series: ["hybrid search", "BM25"], groups: rs.map((r) => ({ label: runLabel(r), values: [pick(r.system), pick(r.bm25)] })) });
  return [
    "## Retrieval and instant answers",
    "",
    table(
      ["dataset", "queries", "recall@1", "recall@5", "MRR@10", "nDCG@10", "BM25 r@1 / r@5 / MRR@10 / nDCG@10", "answer rate (answerable)", "abstain rate (unanswerable)", "s"],
      rs.map((r) => [runLabel(r), String(r.evaluated), f3(r.system.recallAt1), f3(r.system.recallAt5), f3(r.system.mrrAt10), f3(r.system.ndcgAt10), [r.bm25.recallAt1, r.bm25.recallAt5, r.bm25.mrrAt10, r.bm25.ndcgAt10].map(f3).join(" / "), f3(r.answerRate), f3(r.abstainRate), r.seconds.total.toFixed(0)]),
    ),
    "",
    metric("retrieval-recall-1", "recall@1", (m) => m.recallAt1),
    metric("retrieval-recall-5", "recall@5", (m) => m.recallAt5),
    metric("retrieval-mrr-10", "MRR@10", (m) => m.mrrAt10),
    metric("retrieval-ndcg-10", "nDCG@10", (m) => m.ndcgAt10),
    charts.add("instant-answers", { title: "instant answers", series: ["answer rate (answerable)", "abstain rate (unanswerable)"], groups: rs.map((r) => ({ label: runLabel(r), values: [r.answerRate, r.abstainRate] })) }),
    "",
  ];
}

function draftsSection(rs: DraftsResult[], charts: ChartWriter): string[] {
  const chart = (slug: string, title: string, pick: (r: DraftsResult) => number | null) =>
    charts.add(slug, { title, series: [title], groups: rs.map((r) => ({ label: runLabel(r), values: [pick(r)] })) });
  const out = [
    "## Drafted replies",
    "",
    `Quality figures are means over the drafts that did not abstain. Groundedness: a draft sentence is supported when ≥ ${SUPPORT_THRESHOLD} ` +
      "of its distinct content words (lower-cased, stopwords dropped, no stemming) occur in one sentence of a passage the draft cites; " +
      "framing (a sentence recurring verbatim in two or more drafts, with no digit, e-mail or URL, not copied from the KB — greeting, " +
      "thanks, sign-off — lead-ins ending in a colon, and lines linking to an article) " +
      "is left out of groundedness, token-F1 and ROUGE-L. " +
      "Token-F1 as in the SQuAD script; ROUGE-L is the F1 of LCS precision and recall over word tokens.",
    "",
    table(
      ["dataset", "provider", "with reference", "abstain rate", "citation accuracy", "groundedness", "token-F1", "ROUGE-L", "abstain rate (unanswerable)", "ms / draft"],
      rs.map((r) => [runLabel(r), `${r.provider} ${r.model}`, String(r.withReference), f3(r.abstainRate), f3(r.citationAccuracy), f3(r.groundedness), f3(r.tokenF1), f3(r.rougeL), f3(r.abstainRateUnanswerable), r.msPerDraft.toFixed(0)]),
    ),
    "",
    chart("drafts-citation-accuracy", "citation accuracy", (r) => r.citationAccuracy),
    chart("drafts-groundedness", "groundedness", (r) => r.groundedness),
    chart("drafts-token-f1", "token-F1", (r) => r.tokenF1),
    chart("drafts-rouge-l", "ROUGE-L", (r) => r.rougeL),
    chart("drafts-abstain-rate", "abstain rate", (r) => r.abstainRate),
    "",
  ];
  for (const r of rs) {
    out.push(`<details><summary>${runLabel(r)}: example drafts</summary>`, "");
    for (const e of r.examples) {
      out.push(`- **${cell(e.id)}** ${cell(e.query.slice(0, 200))}`, `  - reference: ${cell(e.reference.slice(0, 300))}`, `  - draft: ${cell(e.answer.slice(0, 300))}`, `  - cites a relevant article: ${e.citedRelevant}; groundedness ${f3(e.groundedness)}; token-F1 ${f3(e.tokenF1)}`);
    }
    out.push("", "</details>", "");
  }
  return out;
}

export function writeMarkdownReport(path: string, run: EvalRun): void {
  const charts = new ChartWriter(path);
  const of = <K extends string>(kind: K) => run.results.filter((r) => r.kind === kind);
  const lines = ["# AutoCRM eval report", "", `Command: \`${run.command}\` — started ${run.startedAt}.`, ""];
  const classify = of("classify") as ClassifyResult[];
  const retrieval = of("retrieval") as RetrievalResult[];
  const drafts = of("drafts") as DraftsResult[];
  if (classify.length) lines.push(...classifySection(classify, charts));
  if (retrieval.length) lines.push(...retrievalSection(retrieval, charts));
  if (drafts.length) lines.push(...draftsSection(drafts, charts));
  writeFileSync(path, `${lines.join("\n")}\n`);
}
