// `autocrm eval classify`: the local classifier trained on train.jsonl exactly as production
// learns from agent-confirmed tickets (trainClassifier with its defaults, services/triage/
// training.ts), stored and read back as classifier_models keeps it, then asked about test.jsonl.
import { DEFAULT_THRESHOLDS, classificationReport, type Scored } from "../src/ai/classifier/metrics.js";
import { TextClassifier } from "../src/ai/classifier/model.js";
import { trainClassifier } from "../src/ai/classifier/train.js";
import type { Config } from "../src/config.js";
import { loadClassify, sampleById, type ClassifyRow, type DatasetRef } from "./datasets.js";
import { classifyWithOpenAi } from "./openai-classify.js";
import type { Progress } from "./progress.js";
import type { ClassifyResult } from "./results.js";

export interface ClassifyOptions {
  /** Test rows to predict (a deterministic sample by id); default all. */
  limit?: number;
  /** Training rows to learn from (a deterministic sample by id); default all. */
  trainLimit?: number;
  progress?: Progress;
}

function summarise(
  base: Pick<ClassifyResult, "dataset" | "dir" | "provider" | "model" | "train" | "labels" | "seconds" | "errors">,
  items: Scored[],
  threshold: number,
): ClassifyResult {
  const thresholds = [...new Set([...DEFAULT_THRESHOLDS, threshold])].sort((a, b) => a - b);
  const report = classificationReport(items, thresholds);
  const at = report.coverage.find((c) => c.threshold === threshold)!;
  return { kind: "classify", ...base, test: items.length, threshold: { value: threshold, coverage: at.coverage, accuracy: at.accuracy }, report };
}

export async function evalClassify(config: Config, dataset: DatasetRef, options: ClassifyOptions = {}): Promise<ClassifyResult[]> {
  const data = loadClassify(dataset.dir);
  const train = sampleById(data.train, options.trainLimit);
  const test = sampleById(data.test, options.limit);
  const threshold = config.TRIAGE_CONFIDENCE_THRESHOLD;
  const results: ClassifyResult[] = [];

  const started = performance.now();
  const cpu = process.cpuUsage();
  const trained = trainClassifier(train.map(toExample));
  const trainSeconds = (performance.now() - started) / 1000;
  // CPU time as well: on a shared machine the wall clock says as much about the neighbours.
  const trainCpu = process.cpuUsage(cpu).user / 1e6;
  // What triage predicts with is the stored model (classifier_models.params), so predict with that.
  const model = TextClassifier.fromJSON(JSON.parse(JSON.stringify(trained.toJSON())));
  const predictStarted = performance.now();
  const report = options.progress?.("predict");
  const items = test.map((row, i): Scored => {
    const p = model.predict(row.subject ?? null, row.text, { explain: false });
    if (i % 100 === 99 || i === test.length - 1) report?.(i + 1, test.length);
    return { gold: row.label, predicted: p.label, confidence: p.confidence };
  });
  const predict = (performance.now() - predictStarted) / 1000;
  results.push(
    summarise(
      {
        dataset: dataset.name,
        dir: dataset.dir,
        provider: "local",
        model: String(model.meta.algorithm),
        train: train.length,
        labels: model.labels.length,
        seconds: { train: trainSeconds, trainCpu, predict, total: (performance.now() - started) / 1000 },
        errors: 0,
      },
      items,
      threshold,
    ),
  );

  if (config.OPENAI_API_KEY) {
    const labels = [...new Set(train.map((r) => r.label))].sort();
    const t0 = performance.now();
    const llm = await classifyWithOpenAi(config, labels, test, options.progress?.("openai "));
    const seconds = (performance.now() - t0) / 1000;
    results.push(
      summarise(
        { dataset: dataset.name, dir: dataset.dir, provider: "openai", model: llm.model, train: 0, labels: labels.length, seconds: { train: 0, trainCpu: 0, predict: seconds, total: seconds }, errors: llm.errors },
        llm.items,
        threshold,
      ),
    );
  }
  return results;
}

const toExample = (r: ClassifyRow) => ({ subject: r.subject ?? null, text: r.text, label: r.label });
