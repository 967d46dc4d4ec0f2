// The eval metrics on cases small enough to work out by hand (the arithmetic is in the comments).
import { describe, expect, it } from "vitest";
import { bm25Ranker } from "../../evals/baselines/bm25.js";
import { hashFraction, sampleById } from "../../evals/datasets.js";
import { groundedness, splitSentences, supportOf, sourceSentences } from "../../evals/metrics/grounding.js";
import { RankingAccumulator, ndcgAtK, recallAtK, reciprocalRank } from "../../evals/metrics/ranking.js";
import { lcsLength, rougeL, tokenF1 } from "../../evals/metrics/text.js";
import { parseBaseline, regressions } from "../../evals/regression.js";
import { answerSentences, framingSentences } from "../../evals/score-drafts.js";

describe("ranking metrics", () => {
  it("recall@k is the share of relevant ids in the first k", () => {
    expect(recallAtK(["a", "b", "c"], ["c"], 1)).toBe(0);
    expect(recallAtK(["a", "b", "c"], ["c"], 3)).toBe(1);
    expect(recallAtK(["a", "b", "c"], ["a", "z"], 5)).toBe(0.5);
    expect(recallAtK(["a"], [], 5)).toBe(0);
  });

  it("reciprocal rank counts the first relevant hit within k", () => {
    expect(reciprocalRank(["x", "y", "a", "b"], ["a", "b"], 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(["x", "y", "a"], ["a"], 2)).toBe(0);
    // A duplicated id is one document: "a" is at rank 2, not 3.
    expect(reciprocalRank(["x", "x", "a"], ["a"], 10)).toBe(0.5);
  });

  it("nDCG@k with binary gains", () => {
    // Relevant at rank 2 only, one relevant: DCG = 1/log2(3), IDCG = 1/log2(2) = 1 → 0.6309.
    expect(ndcgAtK(["x", "a", "y"], ["a"], 10)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(ndcgAtK(["x", "a", "y"], ["a"], 10)).toBeCloseTo(0.63093, 5);
    // Two relevant at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.63093 → 0.91972.
    expect(ndcgAtK(["a", "x", "b"], ["a", "b"], 10)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(["a", "x", "b"], ["a", "b"], 10)).toBeCloseTo(0.91972, 5);
    // Cut at k = 2: only "a" counts; the ideal list of two relevant still has IDCG 1.63093.
    expect(ndcgAtK(["a", "x", "b"], ["a", "b"], 2)).toBeCloseTo(1 / 1.6309297535714575, 12);
    expect(ndcgAtK(["a", "b"], ["a", "b"], 10)).toBe(1);
    expect(ndcgAtK(["x"], ["a"], 10)).toBe(0);
  });

  it("means over answerable queries only", () => {
    const acc = new RankingAccumulator();
    acc.add(["a", "b"], ["a"]); // r@1 1, MRR 1
    acc.add(["b", "a"], ["a"]); // r@1 0, r@5 1, MRR 0.5
    acc.add(["a"], []); // unanswerable: not a ranking case
    expect(acc.result()).toMatchObject({ queries: 2, recallAt1: 0.5, recallAt5: 1, mrrAt10: 0.75 });
  });
});

describe("answer overlap", () => {
  it("token-F1 drops case, punctuation and articles, and counts repeats once each", () => {
    // pred: cat sat mat (3), ref: cat sat on mat (4); overlap 3 → P 1, R 0.75, F1 = 1.5/1.75 = 0.857142…
    expect(tokenF1("The cat sat, a mat!", "the cat sat on the mat")).toBeCloseTo(6 / 7, 12);
    // pred: refund refund (2), ref: refund (1): overlap 1 → P 0.5, R 1, F1 2/3.
    expect(tokenF1("refund refund", "refund")).toBeCloseTo(2 / 3, 12);
    expect(tokenF1("", "anything")).toBe(0);
    expect(tokenF1("", "")).toBe(1);
    expect(tokenF1("apples", "oranges")).toBe(0);
  });

  it("ROUGE-L is the F1 of LCS precision and recall", () => {
    expect(lcsLength(["a", "b", "c", "d"], ["a", "c", "d", "b"])).toBe(3);
    // pred "police killed the gunman" vs ref "police kill the gunman": LCS police/the/gunman = 3; P = R = 3/4.
    expect(rougeL("police killed the gunman", "police kill the gunman")).toBeCloseTo(0.75, 12);
    // pred 2 tokens, ref 4, LCS 2 ("reset", "password"): P 1, R 0.5 → F1 2/3.
    expect(rougeL("Reset password", "reset your password now")).toBeCloseTo(2 / 3, 12);
    expect(rougeL("", "x")).toBe(0);
  });
});

describe("groundedness", () => {
  it("splits lines and sentences and drops lines with no content word", () => {
    expect(splitSentences("Hi,\n\n- Open Settings. Then click Export!\n---\n1. Done")).toEqual(["Hi,", "Open Settings.", "Then click Export!", "Done"]);
  });

  it("supports a sentence from one source sentence holding at least half its content words", () => {
    const sources = sourceSentences(["Refunds take five business days. Contact billing with the invoice."]);
    // content words: refunds, arrive, five, days → 3 of 4 in the first source sentence.
    expect(supportOf("Refunds arrive in five days.", sources)).toBe(0.75);
    // refunds, billing, invoice: at most 1/3 in the first and 2/3 in the second — per sentence, not pooled.
    expect(supportOf("Refunds: billing invoice.", sources)).toBeCloseTo(2 / 3, 12);
    // Spread over two sentences (1/4 and 1/4) is not support, though pooled it would be 1/2.
    expect(supportOf("Refunds contact weekly promptly.", sources)).toBe(0.25);
  });

  it("is the share of supported sentences", () => {
    const passages = ["Export contacts from Settings. Admins only."];
    expect(groundedness(["Export contacts from Settings.", "Call us on Sunday."], passages)).toBe(0.5);
    expect(groundedness([], passages)).toBeNull();
  });

  it("leaves framing (recurring, unspecific, not from the KB) and article links out", () => {
    const kb = ["Refunds take five days. Contact billing for help.", "Export from Settings. Regards are best sent early."];
    const bodies = [
      "Hi,\nThanks for writing.\nRefunds take five days.\nCall 555-0100 any time.\nContact billing for help.\nBest regards,",
      "Hi,\nThanks for writing.\nRefunds take five days.\nCall 555-0100 any time.\nBest regards,",
      "Thanks for writing.\nExport from Settings.\nContact billing for help.",
    ];
    const framing = framingSentences(bodies, kb);
    // "best" and "regards" are both in the KB, but not in that order: not copied from it.
    expect([...framing].sort()).toEqual(["Best regards,", "Hi,", "Thanks for writing."]);
    // Recurring but copied from the KB: answer text, however often it recurs.
    expect(framing.has("Refunds take five days.")).toBe(false);
    // Recurring and not in the KB, but specific (a number): a claim to check, never framing.
    expect(framing.has("Call 555-0100 any time.")).toBe(false);
    expect(answerSentences("Thanks for writing.\nExport from Settings.\nMore in this article:\n- Export: /kb/articles/export", framing)).toEqual([
      "Export from Settings.",
    ]);
    // Once is never framing.
    expect(framingSentences(bodies.slice(2), kb).size).toBe(0);
  });
});

describe("BM25 baseline", () => {
  it("ranks by Okapi BM25 with k1 1.2, b 0.75", () => {
    const rank = bm25Ranker([
      { id: "a", title: "Refunds", body: "refund policy" },
      { id: "b", title: "Shipping", body: "delivery times and shipping costs" },
      { id: "c", title: "Returns", body: "returns and refund of a refund" },
    ]);
    // "refund" (the title's "refunds" is another token): df 2 of 3 → idf ln(1 + 1.5/2.5) = 0.4700;
    // lengths a 3, b 6, c 7, average 16/3. a (tf 1): 0.47·2.2/(1 + 1.2·(0.25 + 0.75·3/5.333)) = 0.5725;
    // c (tf 2): 0.47·2·2.2/(2 + 1.2·(0.25 + 0.75·7/5.333)) = 0.5940 → c first despite its length.
    expect(rank("refund")).toEqual(["c", "a"]);
    expect(rank("shipping costs")).toEqual(["b"]);
    expect(rank("nothing matches")).toEqual([]);
  });
});

describe("deterministic samples and the regression baseline", () => {
  it("samples by id hash, independent of file order", () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: `q${i}` }));
    const one = sampleById(rows, 10).map((r) => r.id);
    expect(sampleById([...rows].reverse(), 10).map((r) => r.id)).toEqual(one);
    expect(new Set(one).size).toBe(10);
    expect(hashFraction("q1")).toBeGreaterThanOrEqual(0);
    expect(hashFraction("q1")).toBeLessThan(1);
  });

  it("parses the baseline block and flags drops beyond the tolerance", () => {
    const md = "# x\n\n```json regression-baseline\n{ \"tolerance\": 0.02, \"subsets\": { \"s\": { \"acc\": 0.9, \"f1\": 0.8 } } }\n```\n";
    const b = parseBaseline(md);
    expect(regressions({ acc: 0.881, f1: 0.95 }, b.subsets.s!, b.tolerance)).toEqual([]);
    expect(regressions({ acc: 0.879, f1: 0.8 }, b.subsets.s!, b.tolerance)).toEqual([{ metric: "acc", recorded: 0.9, measured: 0.879 }]);
    expect(regressions({ acc: 0.9 }, b.subsets.s!, b.tolerance)).toEqual([{ metric: "f1", recorded: 0.8, measured: undefined }]);
    expect(() => parseBaseline("no block")).toThrow(/regression-baseline/);
  });
});
