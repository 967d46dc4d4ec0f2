import { stem } from "./stemmer.js";

// Text → terms, agreeing with Postgres' `english` configuration for ordinary words (same
// stop words, same Snowball stemmer), so the term statistics Postgres keeps in kb_chunks.tsv
// can weight the local embedder's query terms, and both halves of hybrid search see one
// vocabulary. Tokens with digits stay unstemmed, as Postgres' numword/int parsers leave them.

/** Postgres' english.stop list, verbatim. */
export const STOP_WORDS = new Set(
  ("i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers " +
    "herself it its itself they them their theirs themselves what which who whom this that these those am is " +
    "are was were be been being have has had having do does did doing a an the and but if or because as until " +
    "while of at by for with about against between into through during before after above below to from up " +
    "down in out on off over under again further then once here there when where why how all any both each " +
    "few more most other some such no nor not only own same so than too very s t can will just don should now").split(" "),
);

const WORD = /[\p{L}\p{N}]+/gu;
/** Longer runs are hashes, base64 or minified code: noise for retrieval. */
const MAX_WORD_LENGTH = 40;

/** Lower-cased words with diacritics folded (é → e), in order. */
export function words(text: string): string[] {
  const folded = text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  return (folded.match(WORD) ?? []).filter((w) => w.length <= MAX_WORD_LENGTH);
}

/** Stemming dominates embedding time and vocabularies repeat: remember recent words. */
const stemCache = new Map<string, string>();
const STEM_CACHE_SIZE = 50_000;

export function termOf(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  if (/\d/.test(word)) return word;
  let t = stemCache.get(word);
  if (t === undefined) {
    if (stemCache.size >= STEM_CACHE_SIZE) stemCache.clear();
    stemCache.set(word, (t = stem(word)));
  }
  return t;
}

/** Content terms of a text, in order, stop words removed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termOf(w);
    if (t) out.push(t);
  }
  return out;
}
