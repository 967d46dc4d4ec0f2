import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURES, Vectorizer } from "../../src/ai/classifier/features.js";
import { linearScores, toCsr, trainOneVsRestSvm, type LinearProblem } from "../../src/ai/classifier/linear-svm.js";
import { restrictToView } from "../../src/ai/classifier/views.js";
import { makeExamples } from "./synthetic.js";

const docs = makeExamples(6, 3);
const labels = [...new Set(docs.map((d) => d.label))].sort();
const { vectorizer, vectors } = Vectorizer.fit(docs, { ...DEFAULT_FEATURES, minDf: 1 });
const y = Int32Array.from(docs, (d) => labels.indexOf(d.label));
const problem: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: labels.length, numFeatures: vectorizer.size };
const isChar = (j: number) => vectorizer.blocks[j] === 2;

describe("restrictToView", () => {
  it("'all' is the problem itself", () => {
    const all = restrictToView(problem, vectorizer.blocks, "all");
    expect(all.problem).toBe(problem);
    expect(all.scale).toBe(1);
  });

  it("'words' drops the character n-grams, rescaled to unit length on average", () => {
    const { problem: words, scale } = restrictToView(problem, vectorizer.blocks, "words");
    expect(vectors.some((v) => [...v.indices].some(isChar))).toBe(true);
    let sq = 0;
    words.vectors.forEach((v, i) => {
      expect([...v.indices].some(isChar)).toBe(false);
      const kept = [...vectors[i]!.indices].filter((j) => !isChar(j));
      expect([...v.indices]).toEqual(kept);
      v.indices.forEach((j, m) => {
        const original = vectors[i]!.values[vectors[i]!.indices.indexOf(j)]!;
        expect(v.values[m]).toBeCloseTo(original * scale, 5);
        sq += v.values[m]! ** 2;
      });
    });
    expect(scale).toBeGreaterThan(1); // the words are only part of each unit vector
    expect(sq / words.vectors.length).toBeCloseTo(1, 4);
    expect(words.rows!.indptr[words.vectors.length]).toBe(words.vectors.reduce((n, v) => n + v.indices.length, 0));
  });

  it("weights learned in a view, times its scale, score the full vectors the same", () => {
    // What train.ts relies on to store a words-only model (or a blend with one) as one linear model.
    const { problem: words, scale } = restrictToView(problem, vectorizer.blocks, "words");
    const model = trainOneVsRestSvm(words, { C: 1, labelWeights: new Float64Array(labels.length).fill(1), seed: 1 });
    const folded = { weights: model.weights.map((w) => w * scale), bias: model.bias };
    vectors.forEach((v, i) => {
      const inView = linearScores(model, words.vectors[i]!, labels.length);
      const onFull = linearScores(folded, v, labels.length);
      inView.forEach((s, k) => expect(onFull[k]).toBeCloseTo(s, 4));
    });
  });
});
