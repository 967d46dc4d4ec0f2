import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURES, extractTerms, normalizeText, tokenize, Vectorizer } from "../../src/ai/classifier/features.js";

const terms = (subject: string | null, text: string) => {
  const out: string[] = [];
  extractTerms(subject, text, DEFAULT_FEATURES, (t) => out.push(t));
  return out;
};

describe("normalizeText", () => {
  it("joins subject and text, lowercases, and unifies negations", () => {
    expect(normalizeText("Card", "I CAN'T pay, it hasnt worked and didn’t arrive")).toBe(
      "card . i can not pay, it has not worked and did not arrive",
    );
    expect(normalizeText(null, "cannot")).toBe("can not");
    expect(normalizeText("  ", "body")).toBe("body");
  });

  it("replaces ids, links and addresses with placeholders", () => {
    const n = normalizeText(null, "Order 370795561790, see https://x.io/a?b=1 or mail me@shop.com in 2 days");
    expect(n).toContain("order  numtoken ");
    expect(n).toContain(" urltoken ");
    expect(n).toContain(" emailtoken ");
    expect(n).toContain(" 0 days");
  });

  it("tokenizes letters of any script and keeps nothing else", () => {
    expect(tokenize("ça coûte 0 €, d'accord?")).toEqual(["ça", "coûte", "0", "d'accord"]);
    expect(tokenize("")).toEqual([]);
  });
});

describe("extractTerms", () => {
  it("emits stemmed words, ordered bigrams, unordered skip pairs, subject words and char n-grams", () => {
    const t = terms("Refund", "card was charged twice");
    expect(t).toContain("w charg");
    expect(t).toContain("b card was");
    expect(t).toContain("s card ~ charg");
    expect(t).toContain("t refund");
    expect(t).toContain("c  ca");
    expect(t).toContain("c wice ");
    expect(t.some((x) => x.startsWith("c ") && x.includes("d w"))).toBe(false); // n-grams stay inside words
  });

  it("emits nothing for empty input", () => {
    expect(terms(null, "")).toEqual([]);
  });
});

describe("Vectorizer", () => {
  const docs = [
    { subject: "Refund", text: "refund my card payment" },
    { subject: null, text: "card not arrived" },
    { subject: null, text: "refund please" },
  ];
  const { vectorizer, vectors } = Vectorizer.fit(docs);

  it("produces sorted, unit-length sparse vectors", () => {
    for (const v of vectors) {
      expect([...v.indices]).toEqual([...v.indices].sort((a, b) => a - b));
      const norm = Math.sqrt(v.values.reduce((s, x) => s + x * x, 0));
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it("maps unseen text to an empty vector and known text to the training vector", () => {
    expect(vectorizer.transform(null, "ŋŋŋ ŋŋŋ").indices.length).toBe(0);
    const again = vectorizer.transform(docs[1]!.subject, docs[1]!.text);
    expect([...again.indices]).toEqual([...vectors[1]!.indices]);
    expect([...again.values]).toEqual([...vectors[1]!.values]);
  });

  it("weighs rare terms above common ones (IDF)", () => {
    const idf = (term: string) => vectorizer.idf[vectorizer.terms.indexOf(term)]!;
    expect(idf("w arriv")).toBeGreaterThan(idf("w refund"));
  });

  it("prunes terms below min-df once there is enough data", () => {
    const word = (i: number) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26));
    const many = Array.from({ length: 250 }, (_, i) => ({ text: `common words here unique${word(i)}` }));
    const fitted = Vectorizer.fit(many).vectorizer;
    expect(fitted.terms).toContain("w common");
    expect(fitted.terms.some((t) => t.startsWith("w unique"))).toBe(false);
  });

  it("round-trips through JSON", () => {
    const restored = Vectorizer.fromJSON(JSON.parse(JSON.stringify(vectorizer.toJSON())));
    const a = vectorizer.transform("Refund", "card payment refund");
    const b = restored.transform("Refund", "card payment refund");
    expect([...b.indices]).toEqual([...a.indices]);
    expect([...b.values]).toEqual([...a.values]);
  });

  it("describes features for people", () => {
    const i = vectorizer.terms.indexOf("s card ~ refund");
    expect(i).toBeGreaterThanOrEqual(0);
    expect(vectorizer.describe(i)).toBe("card … refund");
    expect(vectorizer.describe(vectorizer.terms.indexOf("c fun"))).toBe("…fun…");
    expect(vectorizer.describe(vectorizer.terms.indexOf("t refund"))).toBe("subject: refund");
  });
});
