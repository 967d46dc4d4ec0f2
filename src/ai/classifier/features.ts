// Text → sparse TF-IDF vectors for the local classifier. Three blocks of features, each
// L2-normalised on its own and then weighted, so that the many character n-grams do not drown the
// few words: words (stemmed unigrams, bigrams, subject words) and word pairs carry meaning,
// character n-grams inside word boundaries catch typos, inflections and unseen compounds.
// Choices here (pairs, negation, char 2–5, min-df 2) were kept only when cross-validation on the
// training sets agreed; see evals/classify-quick.ts.
import { stem } from "../embeddings/stemmer.js";

export interface FeatureOptions {
  /** Character n-gram lengths, taken inside " word " (padded) so they never straddle two words. */
  charMin: number;
  charMax: number;
  /**
   * Unordered pairs of words up to this many positions apart, a cheap stand-in for a quadratic
   * kernel: in short requests the meaning is often which words occur together ("card" … "arrived").
   * 1 = adjacent bigrams only.
   */
  pairWindow: number;
  /** Terms seen in fewer training documents are dropped (noise, and the model stays small). */
  minDf: number;
  /** Hard cap on the vocabulary: the most frequent terms are kept. */
  maxFeatures: number;
  /** Subject words as features of their own, besides their place in the combined text. */
  subjectWords: boolean;
  /** Relative weights of the blocks: words (+ bigrams, subject words), skip pairs, characters. */
  wordWeight: number;
  pairWeight: number;
  charWeight: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  charMin: 2,
  charMax: 5,
  pairWindow: 10,
  minDf: 2,
  maxFeatures: 200_000,
  subjectWords: true,
  wordWeight: 1,
  pairWeight: 1,
  charWeight: 1,
};

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Prefixes keep kinds apart in one vocabulary: w=word, b=bigram, s=skip pair, t=subject word, c=char n-gram. */
const WORD = "w ";
const BIGRAM = "b ";
const SKIP = "s ";
const CHAR = "c ";
const SUBJECT = "t ";
const PAIR_SPAN = 40;

/**
 * Lowercase, unify quotes, and blank out what only adds noise: URLs, e-mail addresses and long
 * numbers (order ids) become placeholder words, so "order 370795561790" reads as "order #num".
 */
export function normalizeText(subject: string | null | undefined, text: string | null | undefined): string {
  const joined = subject && subject.trim() ? `${subject.trim()} . ${text ?? ""}` : (text ?? "");
  return joined
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/https?:\/\/\S+|www\.\S+/g, " urltoken ")
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, " emailtoken ")
    .replace(/\d{3,}/g, " numtoken ")
    // "hasn't", "hasnt" and "has not" are one thing; negation then pairs with what it negates.
    .replace(/\b(can|won|ain|don|doesn|didn|isn|aren|wasn|weren|hasn|haven|hadn|couldn|wouldn|shouldn|mustn|needn)'?t\b/g, (_, w: string) => `${NEGATED[w] ?? w} not`)
    .replace(/\bcannot\b/g, "can not")
    .replace(/\d/g, "0");
}

const NEGATED: Record<string, string> = {
  won: "will", ain: "is", don: "do", doesn: "does", didn: "did", isn: "is", aren: "are", wasn: "was", weren: "were",
  hasn: "has", haven: "have", hadn: "had", couldn: "could", wouldn: "would", shouldn: "should", mustn: "must", needn: "need",
};

export function tokenize(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

const stemCache = new Map<string, string>();
function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    // Contractions keep their apostrophe out of the stem: "hasn't" → "hasnt".
    s = stem(word.replace(/'/g, ""));
    if (stemCache.size < 200_000) stemCache.set(word, s);
  }
  return s;
}

// Words repeat across documents far more than they vary, so each word's n-grams are cut once.
const gramCache = new Map<string, string[]>();
function charGrams(token: string, min: number, max: number): string[] {
  const key = `${min}-${max} ${token}`;
  let grams = gramCache.get(key);
  if (grams) return grams;
  grams = [];
  const padded = ` ${token} `;
  for (let n = min; n <= max && n <= padded.length; n++) {
    for (let s = 0; s + n <= padded.length; s++) grams.push(CHAR + padded.slice(s, s + n));
  }
  if (gramCache.size < 100_000) gramCache.set(key, grams);
  return grams;
}

/** Calls `add` once per term occurrence of one document (terms are prefixed by their kind). */
export function extractTerms(
  subject: string | null | undefined,
  text: string | null | undefined,
  opts: FeatureOptions,
  add: (term: string) => void,
): void {
  const tokens = tokenize(normalizeText(subject, text));
  const stems = tokens.map(cachedStem);
  if (opts.subjectWords && subject) {
    // A ticket's subject line is its author's own summary: its words also count on their own.
    for (const t of tokenize(normalizeText(null, subject))) add(`${SUBJECT}${cachedStem(t)}`);
  }
  for (let i = 0; i < stems.length; i++) {
    const a = stems[i]!;
    add(WORD + a);
    if (i + 1 < stems.length) add(`${BIGRAM}${a} ${stems[i + 1]}`); // adjacent: order matters
    // Pairs only from the opening of long texts: that is where a request states what it is about,
    // and pairs over a whole long ticket multiply features (and training time) for no gain.
    for (let d = 2; d <= opts.pairWindow && i + d < Math.min(stems.length, PAIR_SPAN); d++) {
      const b = stems[i + d]!;
      if (b === a) continue;
      add(a < b ? `${SKIP}${a} ~ ${b}` : `${SKIP}${b} ~ ${a}`);
    }
  }
  if (opts.charMax > 0) {
    for (const tok of tokens) {
      for (const g of charGrams(tok, opts.charMin, opts.charMax)) add(g);
    }
  }
}

/** Sorted term ids with their counts, packed as id·1024 + min(count, 1023) for a fast typed sort. */
function packCounts(ids: Int32Array): Int32Array {
  ids.sort();
  const out = new Int32Array(ids.length);
  let size = 0;
  for (let k = 0; k < ids.length; ) {
    let e = k + 1;
    while (e < ids.length && ids[e] === ids[k]) e++;
    out[size++] = ids[k]! * 1024 + Math.min(e - k, 1023);
    k = e;
  }
  return out.subarray(0, size);
}

/** Term ids share an int32 with a 10-bit count (see packCounts). */
const MAX_VOCABULARY = 2_000_000;

const roundIdf = (v: number) => Math.round(v * 1e4) / 1e4;

/** Which block a vocabulary term belongs to (0 = words and bigrams, 1 = skip pairs, 2 = characters). */
const blockOf = (term: string) => (term.startsWith(CHAR) ? 2 : term.startsWith(SKIP) ? 1 : 0);

export interface VectorizerJSON {
  options: FeatureOptions;
  terms: string[];
  idf: number[];
}

export class Vectorizer {
  private readonly index: Map<string, number>;
  /** Each term's block (0 = words, bigrams and subject words, 1 = skip pairs, 2 = characters): views.ts. */
  readonly blocks: Uint8Array;

  private constructor(
    readonly options: FeatureOptions,
    readonly terms: string[],
    readonly idf: Float32Array,
  ) {
    this.index = new Map(terms.map((t, i) => [t, i]));
    this.blocks = Uint8Array.from(terms, blockOf);
  }

  get size(): number {
    return this.terms.length;
  }

  /** Learns the vocabulary and IDF; returns the fitted vectorizer and the training vectors. */
  static fit(
    docs: ReadonlyArray<{ subject?: string | null; text: string }>,
    options: FeatureOptions = DEFAULT_FEATURES,
  ): { vectorizer: Vectorizer; vectors: SparseVector[] } {
    // One dictionary lookup per term occurrence: terms get provisional ids as they are first seen.
    const provisional = new Map<string, number>();
    const names: string[] = [];
    const buffer: number[] = [];
    const docTerms = docs.map((d) => {
      buffer.length = 0;
      extractTerms(d.subject, d.text, options, (t) => {
        let id = provisional.get(t);
        if (id === undefined) {
          id = names.length;
          provisional.set(t, id);
          names.push(t);
        }
        buffer.push(id);
      });
      return packCounts(Int32Array.from(buffer));
    });
    const df = new Int32Array(names.length);
    for (const packed of docTerms) for (const p of packed) df[p >> 10]!++;
    // With very little data every term is precious; min-df pruning only pays off with volume.
    const minDf = docs.length < 200 ? 1 : options.minDf;
    let kept = names.map((_, id) => id).filter((id) => df[id]! >= minDf);
    const maxFeatures = Math.min(options.maxFeatures, MAX_VOCABULARY);
    if (kept.length > maxFeatures) {
      kept.sort((a, b) => df[b]! - df[a]! || (names[a]! < names[b]! ? -1 : 1));
      kept = kept.slice(0, maxFeatures);
    }
    kept.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0)); // by name: deterministic
    const remap = new Int32Array(names.length).fill(-1);
    kept.forEach((id, i) => (remap[id] = i));
    const n = docs.length;
    // Rounded now, not only when saved, so a stored model predicts exactly like the trained one.
    const idf = Float32Array.from(kept, (id) => roundIdf(Math.log((1 + n) / (1 + df[id]!)) + 1));
    const vectorizer = new Vectorizer(options, kept.map((id) => names[id]!), idf);
    const vectors = docTerms.map((packed) => {
      const ids: number[] = [];
      for (const p of packed) {
        const i = remap[p >> 10]!;
        for (let c = p & 1023; i >= 0 && c > 0; c--) ids.push(i);
      }
      return vectorizer.weigh(packCounts(Int32Array.from(ids)));
    });
    return { vectorizer, vectors };
  }

  transform(subject: string | null | undefined, text: string | null | undefined): SparseVector {
    const ids: number[] = [];
    extractTerms(subject, text, this.options, (t) => {
      const i = this.index.get(t);
      if (i !== undefined) ids.push(i);
    });
    return this.weigh(packCounts(Int32Array.from(ids)));
  }

  /** Sublinear TF × IDF, each block L2-normalised and weighted, then the whole vector normalised. */
  private weigh(sorted: Int32Array): SparseVector {
    const size = sorted.length;
    const indices = new Int32Array(size);
    const values = new Float32Array(size);
    const norms = [0, 0, 0];
    for (let k = 0; k < size; k++) {
      const i = sorted[k]! >> 10;
      indices[k] = i;
      const v = (1 + Math.log(sorted[k]! & 1023)) * this.idf[i]!; // sublinear TF × IDF
      values[k] = v;
      norms[this.blocks[i]!]! += v * v;
    }
    const weights = [this.options.wordWeight, this.options.pairWeight, this.options.charWeight];
    const scale = weights.map((w, b) => (norms[b]! > 0 ? w / Math.sqrt(norms[b]!) : 0));
    let total = 0;
    for (let k = 0; k < size; k++) {
      const v = values[k]! * scale[this.blocks[indices[k]!]!]!;
      values[k] = v;
      total += v * v;
    }
    if (total > 0) {
      const inv = 1 / Math.sqrt(total);
      for (let k = 0; k < values.length; k++) values[k]! *= inv;
    }
    return { indices, values };
  }

  /** A term as a person would read it: "refund", "card declined", "…arri…". */
  describe(i: number): string {
    const t = this.terms[i] ?? "";
    if (t.startsWith(CHAR)) return `…${t.slice(CHAR.length).trim()}…`;
    if (t.startsWith(SUBJECT)) return `subject: ${t.slice(SUBJECT.length)}`;
    return t.slice(2).replace(" ~ ", " … ");
  }

  isWordFeature(i: number): boolean {
    return this.blocks[i] !== 2;
  }

  toJSON(): VectorizerJSON {
    return { options: this.options, terms: this.terms, idf: Array.from(this.idf, roundIdf) };
  }

  static fromJSON(json: VectorizerJSON): Vectorizer {
    return new Vectorizer({ ...DEFAULT_FEATURES, ...json.options }, json.terms, Float32Array.from(json.idf));
  }
}
