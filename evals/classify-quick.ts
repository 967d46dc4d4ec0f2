// Quick loop for the local classifier on one canonical data set:
//   npx tsx evals/classify-quick.ts /work/shared/data/classify/banking77-dev [--cGrid=0.1,0.3,1] [--powers=0,0.5]
//     [--char=2-5] [--pair=3] [--minDf=2] [--wordWeight=1] [--charWeight=1] [--folds=4] [--json]
// Trains on train.jsonl, predicts test.jsonl, prints accuracy, macro-F1, timing and the
// accuracy-vs-coverage curve that sets triage's abstain threshold.
import { classificationReport, type Scored } from "../src/ai/classifier/metrics.js";
import { TextClassifier } from "../src/ai/classifier/model.js";
import { trainClassifier, type TrainOptions } from "../src/ai/classifier/train.js";
import { loadClassify } from "./datasets.js";

function parseArgs(argv: string[]): { dir: string; options: TrainOptions; json: boolean } {
  const flags = new Map<string, string>();
  let dir = "";
  for (const a of argv) {
    const m = /^--([\w]+)(?:=(.*))?$/.exec(a);
    if (m) flags.set(m[1]!, m[2] ?? "true");
    else dir = a;
  }
  if (!dir) throw new Error("usage: classify-quick.ts <dataset dir> [--flags]");
  const num = (k: string) => (flags.has(k) ? Number(flags.get(k)) : undefined);
  const features: NonNullable<TrainOptions["features"]> = {};
  const char = flags.get("char");
  if (char) {
    const [lo, hi] = char.split("-").map(Number);
    Object.assign(features, { charMin: lo, charMax: hi ?? lo });
  }
  for (const k of ["pairWindow", "minDf", "wordWeight", "pairWeight", "charWeight", "maxFeatures"] as const) {
    const v = num(k);
    if (v !== undefined) features[k] = v;
  }
  if (flags.has("subjectWords")) features.subjectWords = flags.get("subjectWords") !== "false";
  const options: TrainOptions = { features };
  if (flags.has("cGrid")) options.cGrid = flags.get("cGrid")!.split(",").map(Number);
  if (flags.has("powers")) options.classWeightPowers = flags.get("powers")!.split(",").map(Number);
  if (num("folds") !== undefined) options.folds = num("folds");
  if (num("seed") !== undefined) options.seed = num("seed");
  if (num("maxWeights") !== undefined) options.maxWeights = num("maxWeights");
  return { dir, options, json: flags.has("json") };
}

const pct = (v: number) => (v * 100).toFixed(1).padStart(5) + "%";

function main(): void {
  const { dir, options, json } = parseArgs(process.argv.slice(2));
  const { train, test } = loadClassify(dir);

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = trainClassifier(train, options);
  const trainSeconds = (performance.now() - t0) / 1000;
  // CPU time too: on a shared machine the wall clock says more about the neighbours than about us.
  const trainCpuSeconds = process.cpuUsage(cpu0).user / 1e6;

  const t1 = performance.now();
  const items: Scored[] = test.map((r) => {
    const p = model.predict(r.subject, r.text, { explain: false });
    return { gold: r.label, predicted: p.label, confidence: p.confidence };
  });
  const predictMs = (performance.now() - t1) / test.length;
  const stored = JSON.stringify(model.toJSON());
  // The stored model must be the model: check a sample predicts the same after a round trip.
  const restored = TextClassifier.fromJSON(JSON.parse(stored));
  const drift = test.slice(0, 50).filter((r) => restored.predict(r.subject, r.text).label !== model.predict(r.subject, r.text).label);

  const report = classificationReport(items);
  if (json) {
    console.log(JSON.stringify({ dir, trainSeconds, trainCpuSeconds, predictMs, sizeBytes: stored.length, meta: model.meta, ...report }, null, 2));
    return;
  }
  console.log(`${dir}: train ${train.length}, test ${test.length}, labels ${model.labels.length}, features ${model.vectorizer.size}`);
  console.log(`model: ${JSON.stringify(model.meta)}`);
  console.log(
    `accuracy ${report.accuracy.toFixed(4)}  macro-F1 ${report.macroF1.toFixed(4)}  ECE ${report.expectedCalibrationError.toFixed(3)}  ` +
      `train ${trainSeconds.toFixed(1)} s (cpu ${trainCpuSeconds.toFixed(1)} s)  predict ${predictMs.toFixed(2)} ms/row  stored ${(stored.length / 1e6).toFixed(2)} MB` +
      (drift.length ? `  ROUND-TRIP DRIFT ${drift.length}/50` : ""),
  );
  console.log("threshold  coverage  accuracy");
  for (const c of report.coverage) console.log(`  ${c.threshold.toFixed(2)}     ${pct(c.coverage)}    ${pct(c.accuracy)}`);
  console.log("most confused (gold → predicted):");
  for (const c of report.confusedPairs.slice(0, 5)) console.log(`  ${c.count}× ${c.gold} → ${c.predicted}`);
}

main();
