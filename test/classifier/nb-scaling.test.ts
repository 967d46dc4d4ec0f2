import { describe, expect, it } from "vitest";
import { Vectorizer } from "../../src/ai/classifier/features.js";
import { linearScores, toCsr, trainOneVsRestSvm, type LinearProblem } from "../../src/ai/classifier/linear-svm.js";
import { nbScales } from "../../src/ai/classifier/nb-scaling.js";

const docs = [
  { text: "refund my payment please", label: 0 },
  { text: "refund the invoice please", label: 0 },
  { text: "payment refund needed please", label: 0 },
  { text: "parcel delivery is late please", label: 1 },
  { text: "delivery of my parcel please", label: 1 },
  { text: "late parcel please", label: 1 },
];
const { vectorizer, vectors } = Vectorizer.fit(docs, { charMin: 0, charMax: 0, pairWindow: 1, minDf: 1, maxFeatures: 1000, subjectWords: false, wordWeight: 1, pairWeight: 1, charWeight: 1 });
const y = Int32Array.from(docs, (d) => d.label);
const D = vectorizer.size;
const problem: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: 2, numFeatures: D };
const scales = nbScales(problem.rows!, y, 2, D, 0.1);
const at = (k: number, term: string) => scales[k * D + vectorizer.terms.indexOf(term)]!;

describe("nbScales", () => {
  it("scales up what tells a label apart and mutes what every label shares", () => {
    expect(at(0, "w refund")).toBeGreaterThan(1);
    expect(at(0, "w parcel")).toBeLessThan(-1);
    expect(at(1, "w parcel")).toBeGreaterThan(1);
    expect(Math.abs(at(0, "w pleas"))).toBeLessThan(Math.abs(at(0, "w refund")) / 3);
    expect(at(0, "w refund")).toBeCloseTo(-at(1, "w refund"), 5); // two labels: one's evidence is the other's, mirrored
  });

  it("keeps the scaled training vectors at unit length on average, per label", () => {
    for (let k = 0; k < 2; k++) {
      let sq = 0;
      for (const v of vectors) v.indices.forEach((j, m) => (sq += (v.values[m]! * scales[k * D + j]!) ** 2));
      expect(sq / vectors.length).toBeCloseTo(1, 4);
    }
  });
});

describe("trainOneVsRestSvm with feature scales", () => {
  const opts = { C: 1, labelWeights: Float64Array.of(1, 1), seed: 1 };

  it("with scales of 1 is the plain solver", () => {
    const plain = trainOneVsRestSvm(problem, opts);
    const ones = trainOneVsRestSvm(problem, { ...opts, featureScale: new Float32Array(2 * D).fill(1) });
    expect([...ones.weights]).toEqual([...plain.weights]);
    expect([...ones.bias]).toEqual([...plain.bias]);
  });

  it("returns weights in the original feature space (scale folded in)", () => {
    const muted = new Float32Array(2 * D).fill(1);
    const j = vectorizer.terms.indexOf("w refund");
    muted[j] = 0; // label 0 may not use "refund"
    const m = trainOneVsRestSvm(problem, { ...opts, featureScale: muted });
    expect(m.weights[j * 2]).toBe(0);
    expect(m.weights[j * 2 + 1]).not.toBe(0);
  });

  it("learns the problem with NB scales", () => {
    const m = trainOneVsRestSvm(problem, { ...opts, featureScale: scales });
    const predict = (text: string) => {
      const s = linearScores(m, vectorizer.transform(null, text), 2);
      return s[0]! > s[1]! ? 0 : 1;
    };
    expect(predict("I want a refund")).toBe(0);
    expect(predict("where is the parcel")).toBe(1);
  });
});
