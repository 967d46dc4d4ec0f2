import { describe, expect, it } from "vitest";
import { chunkArticle, countTokens } from "../../src/services/kb/chunking.js";

const sentence = (i: number) => `Step ${i} explains how the sync engine retries a failed upload.`;
const prose = (n: number, from = 0) => Array.from({ length: n }, (_, i) => sentence(from + i)).join(" ");
const body = (c: { content: string }) => c.content.slice(c.content.indexOf("\n\n") + 2);

describe("chunkArticle", () => {
  it("splits by headings, prefixes title and heading path, and never ends a chunk on a bare heading", () => {
    const md = `${prose(20)}\n\n## Install\n\n${prose(25, 100)}\n\n## Configure\n\n### Proxy\n\n${prose(25, 200)}`;
    const chunks = chunkArticle("Sync guide", md);
    expect(chunks.map((c) => c.headingPath)).toEqual([[], ["Install"], ["Configure"]]);
    expect(chunks[0]!.content).toBe(`Sync guide\n\n${prose(20)}`);
    expect(chunks[1]!.content).toBe(`Sync guide > Install\n\n${prose(25, 100)}`);
    // "Configure" has no text of its own: it opens the next chunk, with "Proxy" inside it.
    expect(chunks[2]!.content).toBe(`Sync guide > Configure\n\n### Proxy\n\n${prose(25, 200)}`);
    expect(chunks.map((c) => c.position)).toEqual([0, 1, 2]);
    for (const c of chunks) expect(c.tokenCount).toBe(countTokens(c.content));
  });

  it("cuts a long section into balanced pieces within the budget, each overlapping the previous by ~15%", () => {
    const chunks = chunkArticle("Retries", `## Upload retries\n\n${prose(120)}`, { maxTokens: 300, overlap: 0.15 });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const c of chunks) {
      expect(c.tokenCount).toBeLessThanOrEqual(300);
      expect(c.headingPath).toEqual(["Upload retries"]);
    }
    // Balanced: the last piece is not a runt.
    const sizes = chunks.map((c) => c.tokenCount);
    expect(Math.min(...sizes)).toBeGreaterThan(Math.max(...sizes) * 0.6);
    for (let i = 1; i < chunks.length; i++) {
      const prev = body(chunks[i - 1]!).split(/(?<=\.) /);
      const next = body(chunks[i]!).split(/(?<=\.) /);
      // The next chunk starts with the previous chunk's last sentences…
      const shared = next.findIndex((s) => !prev.includes(s));
      expect(shared).toBeGreaterThan(0);
      const overlapTokens = countTokens(next.slice(0, shared).join(" "));
      // …worth about 15% of the budget (whole sentences, so not exactly).
      expect(overlapTokens).toBeGreaterThanOrEqual(20);
      expect(overlapTokens).toBeLessThanOrEqual(0.15 * 300 + 15);
      expect(prev.slice(-shared)).toEqual(next.slice(0, shared));
    }
    // Every sentence survives, in order.
    const seen = new Set(chunks.flatMap((c) => body(c).split(/(?<=\.) /)));
    for (let i = 0; i < 120; i++) expect(seen.has(sentence(i))).toBe(true);
  });

  it("packs small neighbouring sections together and keeps their headings in the text", () => {
    const md = "## Billing\n\nInvoices go out monthly.\n\n## Refunds\n\nRefunds take five days.\n\n### Partial refunds\n\nAsk support.";
    const chunks = chunkArticle("Payments", md);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.headingPath).toEqual([]);
    expect(chunks[0]!.content).toBe(
      "Payments\n\n## Billing\n\nInvoices go out monthly.\n\n## Refunds\n\nRefunds take five days.\n\n### Partial refunds\n\nAsk support.",
    );
  });

  it("does not take '#' lines inside code fences for headings, and drops a first heading that repeats the title", () => {
    const md = "# Shell tips\n\n```sh\n# not a heading\necho hi\n```\n\nDone.";
    const [chunk, ...rest] = chunkArticle("Shell tips", md);
    expect(rest).toHaveLength(0);
    expect(chunk!.headingPath).toEqual([]);
    expect(chunk!.content).toBe("Shell tips\n\n```sh\n# not a heading\necho hi\n```\n\nDone.");
  });

  it("cuts a single unbroken run (minified code, a data URL) to the budget", () => {
    const chunks = chunkArticle("Blob", "x".repeat(20_000), { maxTokens: 200 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.tokenCount).toBeLessThanOrEqual(200);
  });

  it("still yields one chunk (the title) for an empty body", () => {
    expect(chunkArticle("Only a title", "")).toEqual([{ position: 0, headingPath: [], content: "Only a title", tokenCount: countTokens("Only a title") }]);
  });

  it("counts about 1.3 tokens per English word", () => {
    const text = prose(50);
    const words = text.split(/\s+/).length;
    expect(countTokens(text) / words).toBeGreaterThan(1.1);
    expect(countTokens(text) / words).toBeLessThan(1.6);
  });
});
