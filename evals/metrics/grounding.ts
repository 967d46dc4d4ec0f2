// Groundedness of a drafted answer: the share of its sentences that the cited passages support.
// Defined here, independently of the drafting code it judges:
// - sentences: the text split at line breaks and after . ! ? followed by a space; list markers
//   dropped; a sentence with no content word (below) is not counted at all;
// - content words: lower-cased letter/digit runs of 2+ characters, minus a short English stopword
//   list; no stemming;
// - a sentence is supported when at least SUPPORT_THRESHOLD (0.5) of its distinct content words
//   occur in ONE sentence of a cited passage (words scattered over a passage do not count).
import { wordTokens } from "./text.js";

export const SUPPORT_THRESHOLD = 0.5;

const STOPWORDS = new Set(
  (
    "a about after again all also am an and any are as at be been before being both but by can could did do does doing " +
    "for from had has have having he her here hers him his how i if in into is it its itself just me more most my no nor " +
    "not now of off on once only or other our ours out over own same she should so some such than that the their theirs " +
    "them then there these they this those through to too under until up very was we were what when where which while who " +
    "whom why will with would you your yours"
  ).split(" "),
);

export function contentWords(text: string): string[] {
  return wordTokens(text).filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

export function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n+/)
    .map((line) => line.replace(/^\s*(?:[-*+>]|\d+[.)])\s+/, "").trim())
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((s) => s.trim())
    .filter((s) => contentWords(s).length > 0);
}

/** Best share of the sentence's distinct content words found in a single source sentence. */
export function supportOf(sentence: string, sources: readonly Set<string>[]): number {
  const words = [...new Set(contentWords(sentence))];
  if (words.length === 0) return 0;
  let best = 0;
  for (const source of sources) {
    const hits = words.filter((w) => source.has(w)).length;
    best = Math.max(best, hits / words.length);
  }
  return best;
}

/** The cited passages' sentences as word sets, ready for supportOf. */
export function sourceSentences(passages: readonly string[]): Set<string>[] {
  return passages.flatMap((p) => splitSentences(p)).map((s) => new Set(contentWords(s)));
}

/** Supported sentences / sentences; null when there is no sentence to judge. */
export function groundedness(sentences: readonly string[], passages: readonly string[]): number | null {
  if (sentences.length === 0) return null;
  const sources = sourceSentences(passages);
  return sentences.filter((s) => supportOf(s, sources) >= SUPPORT_THRESHOLD).length / sentences.length;
}
