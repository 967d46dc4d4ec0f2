import { describe, expect, it } from "vitest";
import { balance, crossValidate, pickBest, stratifiedFolds, type Run } from "../../src/ai/classifier/cross-validation.js";
import { DEFAULT_FEATURES, Vectorizer } from "../../src/ai/classifier/features.js";
import { seededRandom, toCsr, type LinearProblem } from "../../src/ai/classifier/linear-svm.js";

describe("stratifiedFolds", () => {
  it("spreads every label over the folds as evenly as it can", () => {
    const y = Int32Array.from([...Array(10).fill(0), ...Array(7).fill(1), ...Array(3).fill(2)]);
    const folds = stratifiedFolds(y, 3, 4, 42);
    for (let label = 0; label < 3; label++) {
      const perFold = [0, 0, 0, 0];
      y.forEach((l, i) => l === label && perFold[folds[i]!]!++);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    expect(stratifiedFolds(y, 3, 4, 42)).toEqual(folds);
  });
});

describe("balance", () => {
  it("weights rare labels up by (n / (K · n_label))^power, and not at all at power 0", () => {
    const y = Int32Array.from([0, 0, 0, 1]);
    expect([...balance(y, 2, 0)]).toEqual([1, 1]);
    const w = balance(y, 2, 1);
    expect(w[0]).toBeCloseTo(4 / 6, 9);
    expect(w[1]).toBeCloseTo(2, 9);
  });
});

describe("pickBest", () => {
  const run = (C: number, power: number, accuracy: number) => ({ C, power, accuracy }) as Run;
  it("takes the best held-out accuracy, ties to the C nearest 1, then to more balancing", () => {
    expect(pickBest([run(0.1, 0, 0.8), run(3, 0, 0.9)]).C).toBe(3);
    expect(pickBest([run(0.1, 0, 0.9), run(3, 0, 0.9), run(1, 0, 0.9)]).C).toBe(1);
    expect(pickBest([run(1, 0, 0.9), run(1, 0.5, 0.9)]).power).toBe(0.5);
  });
});

describe("crossValidate", () => {
  // Random labels on unrelated texts: a model can fit them, but never predict them held out.
  const rand = seededRandom(3);
  const docs = Array.from({ length: 120 }, (_, i) => ({ text: `item${i} note${Math.floor(rand() * 1e6)}`, label: rand() < 0.5 ? 0 : 1 }));
  const { vectorizer, vectors } = Vectorizer.fit(docs, { ...DEFAULT_FEATURES, minDf: 1 });
  const y = Int32Array.from(docs, (d) => d.label);
  const p: LinearProblem = { vectors, rows: toCsr(vectors), y, numLabels: 2, numFeatures: vectorizer.size };

  it("scores every example once, by a model that did not see it", () => {
    const folds = stratifiedFolds(y, 2, 4, 1);
    const [run] = crossValidate(p, folds, [{ C: 10, power: 0 }], 1, () => undefined);
    expect(run!.scores).toHaveLength(docs.length);
    expect([...run!.y].sort()).toEqual([...y].sort());
    expect(run!.accuracy).toBeLessThan(0.65); // chance, although C = 10 fits the training folds
  });
});
