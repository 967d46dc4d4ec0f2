import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../../db/client.js";
import { terms } from "../../ai/embeddings/analyzer.js";

// KB gaps: what customers asked that the AI could not answer confidently, grouped so that one
// missing article shows up as one line with a count rather than as fifty near-duplicates.

/** Two questions belong together when their content-term sets overlap this much (Jaccard). */
export const GAP_SIMILARITY = 0.5;
/** Only the newest questions are grouped: the dashboard is about what is missing now. */
const MAX_QUESTIONS = 1000;
const TOP_GROUPS = 10;
const MAX_EXAMPLES = 3;
const MAX_TEXT = 300;

export interface GapQuestion {
  text: string;
  askedAt: Date;
  source: "answer" | "draft";
}

export interface KbGap {
  count: number;
  representative: string;
  examples: string[];
  lastAskedAt: string;
  fromAnswers: number;
  fromDrafts: number;
}

/**
 * Low-confidence instant-answer questions (abstained, or below the answer threshold) and the
 * customer messages behind abstained drafts, newest first.
 */
export async function lowConfidenceQuestions(tx: Executor, range: { from: string; to: string }, threshold: number): Promise<GapQuestion[]> {
  const rows = await queryRows<{ text: string; asked_at: string | Date; source: "answer" | "draft" }>(
    tx,
    sql`
    SELECT question AS text, created_at AS asked_at, 'answer' AS source
    FROM answer_sessions
    WHERE created_at >= ${range.from}::timestamptz AND created_at < ${range.to}::timestamptz
      AND (abstained OR confidence < ${threshold}::real)
    UNION ALL
    SELECT left(m.body, 2000), d.created_at, 'draft'
    FROM ai_drafts d JOIN ticket_messages m ON m.id = d.message_id
    WHERE d.status = 'abstained' AND d.created_at >= ${range.from}::timestamptz AND d.created_at < ${range.to}::timestamptz
    ORDER BY asked_at DESC
    LIMIT ${MAX_QUESTIONS}`,
  );
  return rows.map((r) => ({ text: r.text, askedAt: new Date(r.asked_at), source: r.source }));
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

const display = (text: string) => {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT - 1)}…` : oneLine;
};

interface Member {
  text: string;
  key: string;
  terms: Set<string>;
  q: GapQuestion;
}

/**
 * Greedy single pass, newest first: a question joins the group whose first (seed) question is
 * most similar to it, if at least GAP_SIMILARITY; otherwise it starts a group. Comparing with the
 * seed only keeps groups from drifting (A~B, B~C, but A and C unrelated). Questions with no
 * content terms group only with the identical text. Top groups by size, then recency.
 */
export function groupGaps(questions: GapQuestion[], threshold = GAP_SIMILARITY): KbGap[] {
  const groups: Member[][] = [];
  for (const q of questions) {
    const text = display(q.text);
    if (!text) continue;
    const m: Member = { text, key: text.toLowerCase(), terms: new Set(terms(q.text)), q };
    let best: Member[] | undefined;
    let bestScore = 0;
    for (const g of groups) {
      const seed = g[0]!;
      const score = seed.key === m.key ? 1 : jaccard(seed.terms, m.terms);
      if (score >= threshold && score > bestScore) [best, bestScore] = [g, score];
    }
    if (best) best.push(m);
    else groups.push([m]);
  }
  return groups
    .map((g) => ({ g, last: Math.max(...g.map((m) => m.q.askedAt.getTime())) }))
    .sort((a, b) => b.g.length - a.g.length || b.last - a.last)
    .slice(0, TOP_GROUPS)
    .map(({ g, last }) => {
      const representative = medoid(g);
      const seen = new Set([representative.key]);
      const examples: string[] = [];
      for (const m of g) {
        if (examples.length >= MAX_EXAMPLES) break;
        if (seen.has(m.key)) continue;
        seen.add(m.key);
        examples.push(m.text);
      }
      return {
        count: g.length,
        representative: representative.text,
        examples,
        lastAskedAt: new Date(last).toISOString(),
        fromAnswers: g.filter((m) => m.q.source === "answer").length,
        fromDrafts: g.filter((m) => m.q.source === "draft").length,
      };
    });
}

/** The member most similar to the rest: the most typical wording of the group's question. */
function medoid(group: Member[]): Member {
  if (group.length <= 2) return group[0]!;
  // Large groups: the first 50 members are plenty to find a typical wording.
  const sample = group.slice(0, 50);
  let best = sample[0]!;
  let bestScore = -1;
  for (const a of sample) {
    let score = 0;
    for (const b of sample) if (a !== b) score += a.key === b.key ? 1 : jaccard(a.terms, b.terms);
    if (score > bestScore) [best, bestScore] = [a, score];
  }
  return best;
}
