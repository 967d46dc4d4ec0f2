// Sentence splitting and overlap scoring for the extractive composer and for groundedness.

const STOP = new Set(
  "a an and are as at be but by can could do does for from had has have how i if in is it its me my no not of on or our so than that the their them then there these they this to was we were what when where which who why will with you your".split(" "),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w)).map(stem);
}

/** A light suffix stripper: enough that "refunds"/"refunded"/"refunding" meet. */
export function stem(word: string): string {
  for (const suffix of ["ing", "edly", "ed", "ies", "es", "s", "ly"]) {
    if (word.length > suffix.length + 3 && word.endsWith(suffix)) return suffix === "ies" ? `${word.slice(0, -3)}y` : word.slice(0, -suffix.length);
  }
  return word;
}

/** Markdown passage → plain sentences: list items and headings become their own sentences. */
export function splitSentences(text: string): string[] {
  const plain = text
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s*\|.*\|\s*$/gm, " ")
    .replace(/[*_]{1,3}([^*_]+)[*_]{1,3}/g, "$1");
  return plain
    .split(/\n+/)
    // Headings (and a chunk's "Title > Section" prefix) label a passage; they do not answer anything.
    .filter((line) => !/^\s*#/.test(line) && !/ > /.test(line))
    .map((line) => line.replace(/^\s*([-*+]|\d+[.)])\s+/, "").trim())
    // A short fragment with no closing punctuation is a label, not a sentence.
    .filter((line) => /[.!?:"”)]$/.test(line) || line.split(/\s+/).length >= 8)
    .filter((line) => line.length > 0)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z0-9"“(])/))
    .map((s) => s.trim())
    .filter((s) => s.length >= 20 && s.length <= 400 && /[a-z]/i.test(s));
}

/** Share of the sentence's content words found in `support` (1 = fully supported). */
export function support(sentence: string, supportWords: Set<string>): number {
  const words = contentWords(sentence);
  if (words.length === 0) return 0;
  return words.filter((w) => supportWords.has(w)).length / words.length;
}
