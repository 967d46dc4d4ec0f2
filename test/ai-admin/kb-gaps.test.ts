import { describe, expect, it } from "vitest";
import { groupGaps, jaccard, type GapQuestion } from "../../src/services/ai-admin/kb-gaps.js";

// Newest first, as lowConfidenceQuestions returns them.
const questions = (...texts: string[]): GapQuestion[] =>
  texts.map((text, i) => ({ text, askedAt: new Date(Date.UTC(2025, 0, 31 - i)), source: "answer" }));

describe("KB gap grouping", () => {
  it("Jaccard over term sets", () => {
    expect(jaccard(new Set(["a", "b", "c"]), new Set(["b", "c", "d"]))).toBe(0.5);
    expect(jaccard(new Set(), new Set(["a"]))).toBe(0);
  });

  it("joins questions whose content words overlap by half, ignoring stop words and word forms", () => {
    const gaps = groupGaps(questions("How can I cancel my subscription?", "cancelling subscriptions", "Where is the API key?", "Cancel the subscription please"));
    expect(gaps.map((g) => [g.count, g.representative])).toEqual([
      [3, "How can I cancel my subscription?"],
      [1, "Where is the API key?"],
    ]);
    expect(gaps[0]!.examples).toEqual(["cancelling subscriptions", "Cancel the subscription please"]);
  });

  it("compares with each group's first question, so groups do not drift along a chain", () => {
    // A~B (2/4) and B~C (2/4), but A and C share 1 of 5 terms.
    const gaps = groupGaps(questions("alpha beta gamma", "beta gamma delta", "gamma delta epsilon"));
    expect(gaps.map((g) => g.count)).toEqual([2, 1]);
    expect(gaps[1]!.representative).toBe("gamma delta epsilon");
  });

  it("groups identical stop-word-only questions, dedupes examples and keeps the top 10 by size", () => {
    const many = Array.from({ length: 12 }, (_, i) => `topic${i} question${i}`);
    const gaps = groupGaps(questions("How?", "how?", "HOW?", ...many, "topic3 question3"));
    expect(gaps).toHaveLength(10);
    expect(gaps[0]).toMatchObject({ count: 3, representative: "How?", examples: [] });
    expect(gaps[1]).toMatchObject({ count: 2, representative: "topic3 question3", examples: [] });
  });
});
