import { describe, expect, it } from "vitest";
import {
  accuracy,
  classificationReport,
  confusedPairs,
  coverageCurve,
  expectedCalibrationError,
  macroF1,
  perLabelStats,
  type Scored,
} from "../../src/ai/classifier/metrics.js";

// 6 items: a is right 2/3, b right 1/2, c right 1/1.
const items: Scored[] = [
  { gold: "a", predicted: "a", confidence: 0.9 },
  { gold: "a", predicted: "a", confidence: 0.8 },
  { gold: "a", predicted: "b", confidence: 0.4 },
  { gold: "b", predicted: "b", confidence: 0.7 },
  { gold: "b", predicted: "c", confidence: 0.3 },
  { gold: "c", predicted: "c", confidence: 0.95 },
];

describe("classification metrics", () => {
  it("computes accuracy", () => {
    expect(accuracy(items)).toBeCloseTo(4 / 6);
    expect(accuracy([])).toBe(0);
  });

  it("computes per-label precision, recall and F1", () => {
    const stats = Object.fromEntries(perLabelStats(items).map((s) => [s.label, s]));
    expect(stats.a).toMatchObject({ precision: 1, support: 3 });
    expect(stats.a!.recall).toBeCloseTo(2 / 3);
    expect(stats.b).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(stats.c).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(stats.c!.f1).toBeCloseTo(2 / 3);
  });

  it("averages F1 over gold labels for macro-F1", () => {
    expect(macroF1(items)).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3);
  });

  it("lists the most confused pairs, most frequent first", () => {
    const pairs = confusedPairs([...items, { gold: "b", predicted: "c", confidence: 0.5 }]);
    expect(pairs[0]).toEqual({ gold: "b", predicted: "c", count: 2 });
    expect(pairs[1]).toEqual({ gold: "a", predicted: "b", count: 1 });
  });

  it("traces accuracy against coverage as the abstain threshold rises", () => {
    const curve = coverageCurve(items, [0, 0.5, 0.85, 0.99]);
    expect(curve[0]).toMatchObject({ threshold: 0, coverage: 1, answered: 6 });
    expect(curve[1]).toMatchObject({ coverage: 4 / 6, accuracy: 1, answered: 4 });
    expect(curve[2]).toMatchObject({ coverage: 2 / 6, accuracy: 1 });
    expect(curve[3]).toMatchObject({ coverage: 0, accuracy: 1, answered: 0 });
  });

  it("measures calibration error", () => {
    const perfect: Scored[] = [
      { gold: "a", predicted: "a", confidence: 1 },
      { gold: "a", predicted: "b", confidence: 0 },
    ];
    expect(expectedCalibrationError(perfect)).toBe(0);
    const overconfident: Scored[] = [{ gold: "a", predicted: "b", confidence: 0.95 }];
    expect(expectedCalibrationError(overconfident)).toBeCloseTo(0.95);
  });

  it("bundles everything in one report", () => {
    const report = classificationReport(items);
    expect(report.total).toBe(6);
    expect(report.accuracy).toBeCloseTo(4 / 6);
    expect(report.perLabel).toHaveLength(3);
    expect(report.coverage.length).toBeGreaterThan(3);
  });
});
