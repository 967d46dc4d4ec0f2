import { termOf } from "../../ai/embeddings/analyzer.js";

// Highlights for search passages, computed here rather than with ts_headline: the analyzer
// stems exactly like Postgres' `english` configuration, so the same words light up, and it
// costs microseconds where ts_headline re-parses every passage in the database (0.5–0.8 ms
// each in PGlite, up to 30 passages a search).

const WORD = /[\p{L}\p{N}]+/gu;
const FRAGMENT_WORDS = 30;
const MAX_FRAGMENTS = 2;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
// Accents are folded like unaccent; plain ASCII (most words) skips the Unicode normalisation.
const fold = (w: string) => (/^[\x00-\x7f]*$/.test(w) ? w.toLowerCase() : w.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase());

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
  // Lower-cased once for the whole passage when it is plain ASCII (offsets stay the same).
  const lower = /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : null;
  const words: { start: number; end: number; weight: number; term: string | null }[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const end = m.index + m[0].length;
    const term = termOf(lower ? lower.slice(m.index, end) : fold(m[0]));
    words.push({ start: m.index, end, weight: term ? (weights.get(term) ?? 0) : 0, term });
  }
  const matched = new Set(words.filter((w) => w.weight > 0).map((w) => w.term!));
  if (words.length === 0) return { html: escapeHtml(text.slice(0, 240)), matched };

  // Best windows by summed weight (a word counts once per window), greedy and non-overlapping.
  // One pass with a sliding window and per-term counts: a search highlights up to 30 passages
  // of ~400 words, and rescanning every window made this the costliest part of a search.
  const windows: { from: number; score: number }[] = [];
  const inWindow = new Map<string, number>();
  let score = 0;
  const enter = (w: (typeof words)[number]) => {
    if (w.weight <= 0) return;
    const n = inWindow.get(w.term!) ?? 0;
    if (n === 0) score += w.weight;
    inWindow.set(w.term!, n + 1);
  };
  const leave = (w: (typeof words)[number]) => {
    if (w.weight <= 0) return;
    const n = inWindow.get(w.term!)!;
    if (n === 1) score -= w.weight;
    inWindow.set(w.term!, n - 1);
  };
  for (const w of words.slice(0, FRAGMENT_WORDS)) enter(w);
  const last = Math.max(1, words.length - FRAGMENT_WORDS + 1);
  for (let from = 0; from < last; from++) {
    if (from > 0) (leave(words[from - 1]!), enter(words[from + FRAGMENT_WORDS - 1]!));
    // Rounded so that adding and removing the same weights lands back on exactly 0.
    windows.push({ from, score: inWindow.size ? Math.round(score * 1e9) / 1e9 : 0 });
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
