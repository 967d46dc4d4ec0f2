// The Porter2 ("Snowball English") stemmer, the same algorithm behind Postgres' `english`
// text-search configuration, so the local embedder and the full-text side of hybrid search agree
// on what a word is ("invoices", "invoiced", "invoicing" → "invoic"). Written out here because
// the embedder must run offline and deterministically with no extra packages.

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
const LI_ENDINGS = new Set(["c", "d", "e", "g", "h", "k", "m", "n", "r", "t"]);

const EXCEPTIONS: Record<string, string> = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie",
  idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
  sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
};
const AFTER_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);

const STEP2: Array<[string, string]> = [
  ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
  ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
  ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"],
  ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"],
  ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""],
];
const STEP3: Array<[string, string]> = [
  ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
  ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""],
];
const STEP4 = [
  "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
  "al", "er", "ic",
];

const isVowel = (c: string | undefined) => c !== undefined && VOWELS.has(c);

/** Start of the region after the first non-vowel that follows a vowel. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) {
    if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  }
  return w.length;
}

function shortSyllableAt(w: string, end: number): boolean {
  // The syllable ending at index `end` (inclusive).
  if (end === 1) return isVowel(w[0]) && !isVowel(w[1]);
  const [a, b, c] = [w[end - 2], w[end - 1], w[end]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== "w" && c !== "x" && c !== "Y";
}

export function stem(word: string): string {
  if (word.length <= 2) return word;
  if (EXCEPTIONS[word]) return EXCEPTIONS[word]!;
  let w = word.startsWith("'") ? word.slice(1) : word;
  if (w.startsWith("y")) w = "Y" + w.slice(1);
  w = w.replace(/([aeiouy])y/g, "$1Y");

  const r1 = /^(gener|commun|arsen)/.exec(w)?.[0].length ?? regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const inR1 = (suffix: string) => w.length - suffix.length >= r1;
  const inR2 = (suffix: string) => w.length - suffix.length >= r2;

  // Step 0
  for (const s of ["'s'", "'s", "'"]) if (w.endsWith(s)) { w = w.slice(0, -s.length); break; }
  // Step 1a
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ied") || w.endsWith("ies")) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
  else if (w.endsWith("us") || w.endsWith("ss")) { /* unchanged */ }
  else if (w.endsWith("s") && /[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1);
  if (AFTER_1A.has(w)) return w;

  // Step 1b
  const s1b = ["eedly", "ingly", "edly", "eed", "ing", "ed"].find((s) => w.endsWith(s));
  if (s1b === "eed" || s1b === "eedly") {
    if (inR1(s1b)) w = w.slice(0, -s1b.length) + "ee";
  } else if (s1b) {
    const stemPart = w.slice(0, -s1b.length);
    if (/[aeiouy]/.test(stemPart)) {
      w = stemPart;
      if (/(at|bl|iz)$/.test(w)) w += "e";
      // "add", "egg", "inn": Snowball keeps the double after a lone leading vowel (as Postgres does).
      else if (DOUBLES.some((d) => w.endsWith(d)) && !(w.length === 3 && isVowel(w[0]))) w = w.slice(0, -1);
      else if (r1 >= w.length && shortSyllableAt(w, w.length - 1)) w += "e";
    }
  }
  // Step 1c
  if (w.length > 2 && /[yY]$/.test(w) && !isVowel(w[w.length - 2])) w = w.slice(0, -1) + "i";

  // Step 2
  for (const [s, r] of STEP2) {
    if (!w.endsWith(s)) continue;
    if (inR1(s)) {
      if (s === "ogi") { if (w[w.length - 4] === "l") w = w.slice(0, -3) + r; }
      else if (s === "li") { if (LI_ENDINGS.has(w[w.length - 3] ?? "")) w = w.slice(0, -2); }
      else w = w.slice(0, -s.length) + r;
    }
    break;
  }
  // Step 3
  for (const [s, r] of STEP3) {
    if (!w.endsWith(s)) continue;
    if (inR1(s) && (s !== "ative" || inR2(s))) w = w.slice(0, -s.length) + r;
    break;
  }
  // Step 4
  for (const s of STEP4) {
    if (!w.endsWith(s)) continue;
    if (inR2(s)) {
      if (s === "ion") { if (/[st]$/.test(w.slice(0, -3))) w = w.slice(0, -3); }
      else w = w.slice(0, -s.length);
    }
    break;
  }
  // Step 5
  if (w.endsWith("e")) {
    if (inR2("e") || (inR1("e") && !shortSyllableAt(w, w.length - 2))) w = w.slice(0, -1);
  } else if (w.endsWith("ll") && inR2("l")) {
    w = w.slice(0, -1);
  }
  return w.replace(/Y/g, "y");
}
