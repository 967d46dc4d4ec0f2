// Confidence that the top search result answers the question: a logistic model over a few
// scale-free features of the result list, so that ANSWER_CONFIDENCE_THRESHOLD reads as a
// probability ("answer when at least 35% likely to be right").

export interface ConfidenceFeatures {
  /** Cosine similarity of the top article's best chunk. */
  cosine: number;
  /** Its lead over the second article's best chunk. */
  margin: number;
  /** Cosine of the top article's closest learned question (0 when none). */
  questionCosine: number;
  questionMargin: number;
  /** Share of the query's IDF mass that the top article's passages contain. */
  coverage: number;
  /** Fused score of the second article over the first's (1 = a tie). */
  scoreRatio: number;
}

type Coefficients = { bias: number } & Record<keyof ConfidenceFeatures, number>;

const LOCAL: Coefficients = { bias: -3, cosine: 4, margin: 10, questionCosine: 3, questionMargin: 2, coverage: 3, scoreRatio: -1 };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function confidenceOf(_model: string, f: ConfidenceFeatures): number {
  const c = LOCAL;
  const z =
    c.bias + c.cosine * f.cosine + c.margin * f.margin + c.questionCosine * f.questionCosine + c.questionMargin * f.questionMargin + c.coverage * f.coverage + c.scoreRatio * f.scoreRatio;
  return Math.round(sigmoid(z) * 1000) / 1000;
}
