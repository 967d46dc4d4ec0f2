import { describe, expect, it } from "vitest";
import { termOf } from "../../src/ai/embeddings/analyzer.js";
import { highlight } from "../../src/services/kb/highlight.js";

const weightsOf = (...words: string[]) => new Map(words.map((w, i) => [termOf(w)!, 1 + i]));

describe("highlight", () => {
  it("marks every inflection of a query term, the stemmer's irregular forms too", () => {
    const h = highlight("The plant is dying; a dead plant died. Lying flat, tying knots.", weightsOf("die", "lie", "tie"));
    expect(h.html).toBe("The plant is <mark>dying</mark>; a dead plant <mark>died</mark>. <mark>Lying</mark> flat, <mark>tying</mark> knots.");
    expect([...h.matched].sort()).toEqual(["die", "lie", "tie"]);
  });

  it("folds accents like the database does, and escapes the passage's own markup", () => {
    const h = highlight('Résumé <b>tips</b> & "more"', weightsOf("resume"));
    expect(h.html).toBe("<mark>Résumé</mark> &lt;b&gt;tips&lt;/b&gt; &amp; &quot;more&quot;");
  });

  it("opens the passage when no query word is in it", () => {
    const text = Array.from({ length: 80 }, (_, i) => `word${i}`).join(" ");
    const h = highlight(text, weightsOf("invoice"));
    expect(h.html.startsWith("word0 word1")).toBe(true);
    expect(h.html.endsWith(" …")).toBe(true);
    expect(h.matched.size).toBe(0);
  });

  it("picks the two best non-overlapping windows, in passage order", () => {
    const filler = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");
    const text = `${filler(50, "a")} refund ${filler(50, "b")} refund invoice ${filler(50, "c")} invoice`;
    const h = highlight(text, weightsOf("refund", "invoice"));
    const fragments = h.html.split(" … ").filter(Boolean);
    expect(fragments).toHaveLength(2);
    expect(h.html.indexOf("<mark>refund</mark>")).toBeLessThan(h.html.lastIndexOf("<mark>invoice</mark>"));
    expect(h.html.match(/<mark>/g)).toHaveLength(3);
  });
});
