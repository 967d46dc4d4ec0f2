import { describe, expect, it } from "vitest";
import { crossValidate, heldOutScores, stratifiedFolds } from "../../src/ai/classifier/cross-validation.js";
import { DEFAULT_FEATURES, Vectorizer, type SparseVector } from "../../src/ai/classifier/features.js";
import { toCsr, trainOneVsRestSvm, linearScores, type LinearProblem } from "../../src/ai/classifier/linear-svm.js";
import { mlpScores, trainMlp } from "../../src/ai/classifier/mlp.js";
import { MODEL_FORMAT, MODEL_FORMAT_WITH_NETWORK, TextClassifier } from "../../src/ai/classifier/model.js";
import { makeExamples } from "./synthetic.js";

// Exclusive or of two features ("a" or "b" but not both, beside a constant one): no linear model
// separates it, one hidden layer does.
const xor: SparseVector[] = [];
const xorY: number[] = [];
for (let r = 0; r < 10; r++) {
  for (const [a, b] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
    const indices = [2, ...(a ? [0] : []), ...(b ? [1] : [])].sort();
    xor.push({ indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) });
    xorY.push(a ^ b);
  }
}
const argmax = (s: Float64Array) => (s[1]! > s[0]! ? 1 : 0);
const options = { hidden: 16, epochs: 300, batchSize: 8, learningRate: 0.01, dropout: 0, initScale: 0.5 };

describe("trainMlp", () => {
  it("learns what no linear model can (exclusive or)", () => {
    const net = trainMlp(xor, xorY, 2, 3, options);
    expect(xor.every((x, i) => argmax(mlpScores(net, x)) === xorY[i])).toBe(true);
    const p: LinearProblem = { vectors: xor, rows: toCsr(xor), y: Int32Array.from(xorY), numLabels: 2, numFeatures: 3 };
    const svm = trainOneVsRestSvm(p, { C: 100, labelWeights: Float64Array.of(1, 1), seed: 1 });
    expect(xor.filter((x, i) => argmax(linearScores(svm, x, 2)) === xorY[i]).length).toBeLessThan(xor.length);
  });

  it("is deterministic: the same seed gives the same network, another seed another", () => {
    const a = trainMlp(xor, xorY, 2, 3, { ...options, epochs: 5, dropout: 0.5, seed: 7 });
    const b = trainMlp(xor, xorY, 2, 3, { ...options, epochs: 5, dropout: 0.5, seed: 7 });
    const c = trainMlp(xor, xorY, 2, 3, { ...options, epochs: 5, dropout: 0.5, seed: 8 });
    expect(b.w1).toEqual(a.w1);
    expect(b.w2).toEqual(a.w2);
    expect(c.w1).not.toEqual(a.w1);
  });
});

describe("heldOutScores", () => {
  it("scores the same examples in the same order as crossValidate, each by a model that did not see it", () => {
    const docs = makeExamples(12, 5);
    const { vectorizer, vectors } = Vectorizer.fit(docs, DEFAULT_FEATURES);
    const labels = [...new Set(docs.map((d) => d.label))].sort();
    const y = Int32Array.from(docs, (d) => labels.indexOf(d.label));
    const p: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: 3, numFeatures: vectorizer.size };
    const folds = stratifiedFolds(y, 3, 4, 1);
    const seen: number[] = [];
    const run = heldOutScores(p, folds, (sub, f) => {
      seen.push(f);
      expect(sub.vectors).toHaveLength(vectors.length - folds.filter((g) => g === f).length);
      const net = trainMlp(sub.vectors, sub.y, 3, sub.numFeatures, { epochs: 20, seed: f });
      return (x) => mlpScores(net, x);
    });
    const [svm] = crossValidate(p, folds, [{ C: 1, power: 0 }], 1, () => undefined);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(run.y).toEqual(svm!.y);
    expect(run.accuracy).toBeGreaterThan(0.8);
  });
});

describe("a model that carries a network", () => {
  const docs = makeExamples(10, 2);
  const { vectorizer, vectors } = Vectorizer.fit(docs, DEFAULT_FEATURES);
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const net = trainMlp(vectors, Int32Array.from(docs, (d) => labels.indexOf(d.label)), 3, vectorizer.size, { epochs: 10 });
  const parts = { labels, vectorizer, weights: new Float64Array(vectorizer.size * 3), bias: [0, 0, 0], temperature: 2, meta: { algorithm: "test", trainedOn: docs.length, C: 0 } };
  const model = TextClassifier.fromParts({ ...parts, network: { weight: 0.5, net } });

  it("adds the weighted network scores to the linear ones, and round-trips exactly", () => {
    const x = vectorizer.transform(null, "my invoice shows the wrong amount");
    const z = mlpScores(net, x);
    model.decision(x).forEach((s, k) => expect(s).toBeCloseTo(0.5 * z[k]!, 3)); // 16-bit weights
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.format).toBe(MODEL_FORMAT_WITH_NETWORK);
    const restored = TextClassifier.fromJSON(json);
    for (const e of docs.slice(0, 10)) expect(restored.predict(e.subject, e.text)).toEqual(model.predict(e.subject, e.text));
    expect(() => TextClassifier.fromJSON({ ...json, format: MODEL_FORMAT })).toThrow(/does not match/);
  });

  it("without a network is still written as format 1", () => {
    expect(TextClassifier.fromParts(parts).toJSON().format).toBe(MODEL_FORMAT);
    expect(TextClassifier.fromParts(parts).toJSON()).not.toHaveProperty("network");
  });
});
