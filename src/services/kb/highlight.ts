import { termOf } from "../../ai/embeddings/analyzer.js";

// Highlights for search passages, computed here rather than with ts_headline: the analyzer
// stems exactly like Postgres' `english` configuration, so the same words light up, and it
// costs microseconds where ts_headline re-parses every passage in the database (0.5–0.8 ms
// each in PGlite, up to 30 passages a search).

const WORD = /[\p{L}\p{N}]+/gu;
const FRAGMENT_WORDS = 30;
const MAX_FRAGMENTS = 2;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fold = (w: string) => w.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();

export interface Highlight {
  /** HTML-escaped excerpt(s) with matched words in <mark>…</mark>, joined by " … ". */
  html: string;
  /** Query terms the passage contains. */
  matched: Set<string>;
}

/**
 * Picks up to two windows of ~30 words holding the most query weight and marks the query's
 * words in them. `weights` maps query terms (stems) to their weight (IDF).
 */
export function highlight(text: string, weights: Map<string, number>): Highlight {
  const words = [...text.matchAll(WORD)].map((m) => {
    const term = termOf(fold(m[0]));
    return { start: m.index, end: m.index + m[0].length, weight: term ? (weights.get(term) ?? 0) : 0, term };
  });
  const matched = new Set(words.filter((w) => w.weight > 0).map((w) => w.term!));
  if (words.length === 0) return { html: escapeHtml(text.slice(0, 240)), matched };

  // Best windows by summed weight (a word counts once per window), greedy and non-overlapping.
  const windows: { from: number; score: number }[] = [];
  for (let from = 0; from < Math.max(1, words.length - FRAGMENT_WORDS + 1); from++) {
    const seen = new Set<string>();
    let score = 0;
    for (const w of words.slice(from, from + FRAGMENT_WORDS)) {
      if (w.weight > 0 && !seen.has(w.term!)) (score += w.weight), seen.add(w.term!);
    }
    windows.push({ from, score });
  }
  windows.sort((a, b) => b.score - a.score || a.from - b.from);
  const chosen: number[] = [];
  for (const w of windows) {
    if (chosen.length === MAX_FRAGMENTS || (chosen.length > 0 && w.score === 0)) break;
    if (chosen.every((f) => Math.abs(f - w.from) >= FRAGMENT_WORDS)) chosen.push(w.from);
  }
  chosen.sort((a, b) => a - b);

  const fragments = chosen.map((from) => {
    const slice = words.slice(from, from + FRAGMENT_WORDS);
    const toEnd = from + FRAGMENT_WORDS >= words.length;
    let out = "";
    // A fragment at either end of the passage keeps the punctuation around its first/last word.
    let at = from === 0 ? 0 : slice[0]!.start;
    for (const w of slice) {
      out += escapeHtml(text.slice(at, w.start));
      const word = escapeHtml(text.slice(w.start, w.end));
      out += w.weight > 0 ? `<mark>${word}</mark>` : word;
      at = w.end;
    }
    if (toEnd) out += escapeHtml(text.slice(at));
    const fragment = out.replace(/\s+/g, " ").trim();
    const leading = from > 0 ? "… " : "";
    const trailing = from + FRAGMENT_WORDS < words.length ? " …" : "";
    return leading + fragment + trailing;
  });
  return { html: fragments.join(" ").replace(/… …/g, "…"), matched };
}
