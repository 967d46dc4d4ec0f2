// Confidence that a search's top results answer the question: a logistic model over a few
// features of the result list, fitted with evals/retrieval-quick.ts --dump on the canonical
// retrieval sets (stackfaq, techqa, bitext-kb, and bitext-kb with half its questions learned).
//
// What the number means: the probability that one of the top three articles answers the
// question, calibrated as if half of all questions had no answer in the KB (positive and
// negative examples weighted equally). The eval sets are mostly answerable, a young help desk's
// KB is not; with that prior ANSWER_CONFIDENCE_THRESHOLD = 0.35 answers 80% of techqa's
// answerable questions and abstains on over half of its unanswerable ones.

/** What is known about one article of the result list. */
export interface ArticleEvidence {
  /** Best cosine similarity of its chunks to the question. */
  cosine: number;
  /** Best BM25 score of its chunks. */
  lexical: number;
  /** Cosine of its closest learned question (0 when none is close). */
  questionCosine: number;
}

export interface QueryTerm {
  term: string;
  idf: number;
  /** Occurs somewhere in the KB. */
  known: boolean;
}

export interface ConfidenceFeatures {
  questionCosine: number;
  cosine: number;
  /** Lead of the top article's cosine over the second article's. */
  margin: number;
  /** Lead of the top article's BM25 over the second's, relative to its own. */
  lexicalMargin: number;
  /** Share of the question's five rarest known terms that the top article's passages contain. */
  rareCoverage: number;
  /** Share of the question's IDF mass in words the KB has never seen. */
  unknown: number;
}

const RARE_TERMS = 5;

export function confidenceFeatures(
  top: ArticleEvidence,
  second: ArticleEvidence | null,
  terms: QueryTerm[],
  matched: Set<string>,
): ConfidenceFeatures {
  const total = terms.reduce((s, t) => s + t.idf, 0);
  const rare = terms.filter((t) => t.known).sort((a, b) => b.idf - a.idf || a.term.localeCompare(b.term)).slice(0, RARE_TERMS);
  return {
    questionCosine: top.questionCosine,
    cosine: top.cosine,
    margin: top.cosine - (second?.cosine ?? 0),
    lexicalMargin: (top.lexical - (second?.lexical ?? 0)) / (top.lexical || 1),
    rareCoverage: rare.length ? rare.filter((t) => matched.has(t.term)).length / rare.length : 0,
    unknown: total > 0 ? terms.filter((t) => !t.known).reduce((s, t) => s + t.idf, 0) / total : 0,
  };
}

type Coefficients = { bias: number } & Record<keyof ConfidenceFeatures, number>;

/** Fitted for local:hash-v2 (see the header). */
const LOCAL: Coefficients = { bias: -1.59, questionCosine: 6.32, cosine: 3.2, margin: 3.63, lexicalMargin: 0.85, rareCoverage: 0.65, unknown: -1.06 };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Other embedding models place their cosines elsewhere (OpenAI's related pairs sit higher), so
 * the local fit is only a starting point for them: refit with the eval's --dump before relying
 * on the threshold.
 */
export function confidenceOf(_model: string, f: ConfidenceFeatures): number {
  const c = LOCAL;
  const z =
    c.bias +
    c.questionCosine * f.questionCosine +
    c.cosine * f.cosine +
    c.margin * f.margin +
    c.lexicalMargin * f.lexicalMargin +
    c.rareCoverage * f.rareCoverage +
    c.unknown * f.unknown;
  return Math.round(sigmoid(z) * 1000) / 1000;
}
