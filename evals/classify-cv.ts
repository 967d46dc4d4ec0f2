// Outer-fold cross-validation of the local classifier on train.jsonl only, for judging a change
// to the learning method on more rows than one test split offers (and without tuning on test):
// each dataset's train split is cut into stratified folds, trainClassifier (its defaults, with
// its own inner CV) learns from the other folds and predicts the held-out one, and the held-out
// hits are pooled over every dataset given.
//   npx tsx evals/classify-cv.ts /work/shared/data/classify/banking77-dev [more dirs…] [--folds=4] [--seed=1234]
// The fold seed differs from training's own (42), so the outer folds are not its inner folds.
import { parseArgs } from "node:util";
import { stratifiedFolds } from "../src/ai/classifier/cross-validation.js";
import { trainClassifier } from "../src/ai/classifier/train.js";
import { loadClassify } from "./datasets.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { folds: { type: "string", default: "4" }, seed: { type: "string", default: "1234" } },
});
if (positionals.length === 0) throw new Error("usage: classify-cv.ts <dataset dir>… [--folds=4] [--seed=1234]");
const folds = Number(values.folds);
const seed = Number(values.seed);

let pooledHits = 0;
let pooledRows = 0;
for (const dir of positionals) {
  const { train } = loadClassify(dir);
  const labels = [...new Set(train.map((r) => r.label))].sort();
  const y = Int32Array.from(train, (r) => labels.indexOf(r.label));
  const fold = stratifiedFolds(y, labels.length, folds, seed);
  const started = performance.now();
  let hits = 0;
  for (let f = 0; f < folds; f++) {
    const model = trainClassifier(train.filter((_, i) => fold[i] !== f));
    train.forEach((r, i) => {
      if (fold[i] === f && model.predict(r.subject, r.text, { explain: false }).label === r.label) hits++;
    });
  }
  pooledHits += hits;
  pooledRows += train.length;
  const seconds = (performance.now() - started) / 1000;
  console.log(`${dir}: outer ${folds}-fold accuracy ${(hits / train.length).toFixed(4)} (${hits}/${train.length}), ${seconds.toFixed(0)} s`);
}
console.log(`pooled: ${(pooledHits / pooledRows).toFixed(4)} (${pooledHits}/${pooledRows})`);
