import { termOf } from "../../ai/embeddings/analyzer.js";

// Highlights for search passages, computed here rather than with ts_headline: the analyzer
// stems exactly like Postgres' `english` configuration, so the same words light up, and it
// costs microseconds where ts_headline re-parses every passage in the database (0.5–0.8 ms
// each in PGlite, up to 30 passages a search).

const WORD = /[\p{L}\p{N}]+/gu;
const FRAGMENT_WORDS = 30;
const MAX_FRAGMENTS = 2;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const PLAIN_ASCII = /^[\x00-\x7f]*$/;
// Accents are folded like unaccent; plain ASCII (most words) skips the Unicode normalisation.
const fold = (w: string) => (PLAIN_ASCII.test(w) ? w.toLowerCase() : w.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase());

/** A word's first two characters as one number (one character for one-letter words). */
function prefixKey(s: string, start: number, end: number): number {
  return s.charCodeAt(start) * 65536 + (end - start > 1 ? s.charCodeAt(start + 1) : 0);
}

// Snowball's English stemmer only strips and rewrites endings, and leaves words under three
// letters alone, so a word and its stem share their first two characters — except for three of
// its irregular forms (dying → die, lying → lie, tying → tie), whose "y" prefixes are added.
// One search highlights ~20 passages with the same weights: their prefixes are worked out once.
const IRREGULAR_PREFIXES: Record<string, string> = { die: "dy", lie: "ly", tie: "ty" };
const prefixCache = new WeakMap<Map<string, number>, Set<number>>();
function termPrefixes(weights: Map<string, number>): Set<number> {
  let keys = prefixCache.get(weights);
  if (!keys) {
    const terms = [...weights].filter(([, w]) => w > 0).map(([t]) => t);
    const prefixes = [...terms, ...terms.flatMap((t) => IRREGULAR_PREFIXES[t] ?? [])];
    keys = new Set(prefixes.map((t) => prefixKey(t, 0, t.length)));
    prefixCache.set(weights, keys);
  }
  return keys;
}

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
  const lower = PLAIN_ASCII.test(text) ? text.toLowerCase() : null;
  const prefixes = termPrefixes(weights);
  // Every word's span, and the few that carry query weight. Most words cannot stem to a query
  // term (a stem keeps its word's first two letters), so only those few are stemmed at all.
  const starts: number[] = [];
  const ends: number[] = [];
  const hits: { index: number; term: string; weight: number }[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    starts.push(start);
    ends.push(end);
    const word = lower ?? fold(m[0]);
    const from = lower ? start : 0;
    if (!prefixes.has(prefixKey(word, from, lower ? end : word.length))) continue;
    const term = termOf(lower ? lower.slice(start, end) : word);
    const weight = term ? (weights.get(term) ?? 0) : 0;
    if (weight > 0) hits.push({ index: starts.length - 1, term: term!, weight });
  }
  const matched = new Set(hits.map((h) => h.term));
  if (starts.length === 0) return { html: escapeHtml(text.slice(0, 240)), matched };
  const marked = new Uint8Array(starts.length);
  for (const h of hits) marked[h.index] = 1;

  // Best windows by summed weight (a word counts once per window), greedy and non-overlapping.
  // One pass with a sliding window and per-term counts; only windows holding a query word are
  // kept and sorted (with none, the passage opens the excerpt).
  const windows: { from: number; score: number }[] = [];
  const inWindow = new Map<string, number>();
  let score = 0;
  let entering = 0; // next hit to enter the window
  let leaving = 0; // next hit to leave it
  const last = Math.max(1, starts.length - FRAGMENT_WORDS + 1);
  for (let from = 0; from < last; from++) {
    while (leaving < hits.length && hits[leaving]!.index < from) {
      const h = hits[leaving++]!;
      const n = inWindow.get(h.term)!;
      if (n === 1) (score -= h.weight), inWindow.delete(h.term);
      else inWindow.set(h.term, n - 1);
    }
    while (entering < hits.length && hits[entering]!.index < from + FRAGMENT_WORDS) {
      const h = hits[entering++]!;
      const n = inWindow.get(h.term) ?? 0;
      if (n === 0) score += h.weight;
      inWindow.set(h.term, n + 1);
    }
    // Rounded so that adding and removing the same weights lands back on exactly 0.
    const rounded = inWindow.size ? Math.round(score * 1e9) / 1e9 : 0;
    if (rounded > 0) windows.push({ from, score: rounded });
  }
  windows.sort((a, b) => b.score - a.score || a.from - b.from);
  const chosen: number[] = [];
  for (const w of windows) {
    if (chosen.length === MAX_FRAGMENTS) break;
    if (chosen.every((f) => Math.abs(f - w.from) >= FRAGMENT_WORDS)) chosen.push(w.from);
  }
  if (chosen.length === 0) chosen.push(0);
  chosen.sort((a, b) => a - b);

  const fragments = chosen.map((from) => {
    const to = Math.min(starts.length, from + FRAGMENT_WORDS);
    const toEnd = from + FRAGMENT_WORDS >= starts.length;
    let out = "";
    // A fragment at either end of the passage keeps the punctuation around its first/last word.
    let at = from === 0 ? 0 : starts[from]!;
    for (let i = from; i < to; i++) {
      out += escapeHtml(text.slice(at, starts[i]));
      const word = escapeHtml(text.slice(starts[i], ends[i]));
      out += marked[i] ? `<mark>${word}</mark>` : word;
      at = ends[i]!;
    }
    if (toEnd) out += escapeHtml(text.slice(at));
    const fragment = out.replace(/\s+/g, " ").trim();
    const leading = from > 0 ? "… " : "";
    const trailing = from + FRAGMENT_WORDS < starts.length ? " …" : "";
    return leading + fragment + trailing;
  });
  return { html: fragments.join(" ").replace(/… …/g, "…"), matched };
}
