// Scores stored drafts. Greeting, thanks, sign-off and "more detail in this article: <link>"
// lines are framing, not answer, and are left out of groundedness and of the overlap with the
// reference, which are then about the answer. Framing is found in the run itself, whatever the
// provider: a sentence that recurs verbatim in two or more drafts, says nothing specific (no
// digit, e-mail or URL: a repeated phone number is a claim, not a courtesy) and is not copied
// from the knowledge base (its words do not occur in that order in any passage). Lead-ins ending
// in a colon ("More detail in this article:") and lines linking to a KB article make no claim
// either and are left out too.
import type { QueryRow } from "./datasets.js";
import { groundedness, splitSentences } from "./metrics/grounding.js";
import { rougeL, tokenF1, wordTokens } from "./metrics/text.js";
import type { DraftsResult } from "./results.js";

export interface StoredDraft {
  query: QueryRow;
  abstained: boolean;
  body: string;
  /** Article uuids the draft cites. */
  citedArticleIds: string[];
  /** Full text of the cited chunks. */
  citedPassages: string[];
}

const ARTICLE_LINK = /\/kb\/articles\//;
const EXAMPLES = 3;

const SPECIFIC = /[\d@]|https?:\/\/|www\./i;

/** Framing sentences of these bodies, given the text of every KB passage. */
export function framingSentences(bodies: readonly string[], kbPassages: readonly string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const body of bodies) for (const s of new Set(splitSentences(body))) counts.set(s, (counts.get(s) ?? 0) + 1);
  const recurring = [...counts].filter(([s, n]) => n >= 2 && !SPECIFIC.test(s) && !ARTICLE_LINK.test(s)).map(([s]) => s);
  if (recurring.length === 0) return new Set();
  const words = (text: string) => ` ${wordTokens(text).join(" ")} `;
  const kb = kbPassages.map(words).join("|");
  return new Set(recurring.filter((s) => !kb.includes(words(s))));
}

/** The draft's answer sentences: its sentences minus framing, lead-ins and article links. */
export function answerSentences(body: string, framing: ReadonlySet<string>): string[] {
  return splitSentences(body).filter((s) => !framing.has(s) && !s.endsWith(":") && !ARTICLE_LINK.test(s));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

type Scores = Pick<
  DraftsResult,
  | "withReference"
  | "abstained"
  | "abstainRate"
  | "citationAccuracy"
  | "groundedness"
  | "tokenF1"
  | "rougeL"
  | "unanswerable"
  | "abstainRateUnanswerable"
  | "framingSentences"
  | "examples"
>;

export function scoreDrafts(drafts: readonly StoredDraft[], toDatasetId: ReadonlyMap<string, string>, kbPassages: readonly string[]): Scores {
  const withReference = drafts.filter((d) => d.query.relevant.length > 0 && d.query.answer);
  const unanswerable = drafts.filter((d) => d.query.relevant.length === 0);
  const sent = withReference.filter((d) => !d.abstained);
  const framing = framingSentences(sent.map((d) => d.body), kbPassages);
  const cited: number[] = [];
  const grounded: number[] = [];
  const f1: number[] = [];
  const rouge: number[] = [];
  const examples: Scores["examples"] = [];
  for (const d of sent) {
    const relevant = new Set(d.query.relevant);
    const citesRelevant = d.citedArticleIds.some((id) => relevant.has(toDatasetId.get(id) ?? id));
    const sentences = answerSentences(d.body, framing);
    const g = groundedness(sentences, d.citedPassages);
    const answer = sentences.join(" ");
    const reference = d.query.answer!;
    cited.push(citesRelevant ? 1 : 0);
    if (g !== null) grounded.push(g);
    f1.push(tokenF1(answer, reference));
    rouge.push(rougeL(answer, reference));
    // A few drafts as they come, and a few that went wrong (uncited article, unsupported sentence).
    const wrong = !citesRelevant || (g !== null && g < 1);
    if (examples.length < EXAMPLES || (wrong && examples.filter((e) => !e.citedRelevant || (e.groundedness ?? 1) < 1).length < EXAMPLES)) {
      examples.push({ id: d.query.id, query: d.query.query, reference, answer, citedRelevant: citesRelevant, groundedness: g, tokenF1: f1.at(-1)! });
    }
  }
  const abstained = withReference.length - sent.length;
  return {
    withReference: withReference.length,
    abstained,
    abstainRate: withReference.length ? abstained / withReference.length : null,
    citationAccuracy: mean(cited),
    groundedness: mean(grounded),
    tokenF1: mean(f1),
    rougeL: mean(rouge),
    unanswerable: unanswerable.length,
    abstainRateUnanswerable: unanswerable.length ? unanswerable.filter((d) => d.abstained).length / unanswerable.length : null,
    framingSentences: [...framing].sort(),
    examples,
  };
}
