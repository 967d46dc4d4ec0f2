import type { DraftCitation } from "../../../db/schema/ai.js";
import { contentWords, splitSentences } from "./sentences.js";
import type { DraftAnswer, DraftModel, DraftPassage, DraftRequest } from "./types.js";

const MAX_SENTENCES = 5;
const MAX_PASSAGES = 3;

interface Candidate {
  sentence: string;
  passage: DraftPassage;
  position: number;
  score: number;
}

/**
 * Offline drafting: greeting, the sentences of the top passages that best match the question,
 * links to their articles, closing. Nothing is generated: every sentence of the answer is copied
 * from a cited passage, so it is traceable by construction and cannot repeat anything that is
 * not in the published KB (ticket text, let alone notes, never reaches the body).
 */
export class LocalDraftModel implements DraftModel {
  readonly provider = "local";
  readonly model = "extractive-v1";

  async draft(request: DraftRequest): Promise<DraftAnswer> {
    const question = new Set(contentWords(`${request.subject} ${request.question}`));
    const passages = request.passages.slice(0, MAX_PASSAGES);
    const candidates: Candidate[] = passages.flatMap((passage, rank) =>
      splitSentences(passage.text).map((sentence, position) => {
        const words = contentWords(sentence);
        const hits = words.filter((w) => question.has(w)).length;
        // Overlap with the question, a little credit for coming early in a high-ranked passage
        // (instructions usually start near the top of a section).
        const score = hits / Math.sqrt(words.length + 1) + 0.15 / (rank + 1) + 0.05 / (position + 1);
        return { sentence, passage, position, score };
      }),
    );
    const chosen = pickSentences(candidates);
    const greeting = request.customerName ? `Hi ${request.customerName.split(/\s+/)[0]},` : "Hi,";
    const body: string[] = [greeting, "", "Thanks for getting in touch. Here is what should help:", ""];
    const citations = new Map<string, DraftCitation>();
    for (const c of chosen) {
      body.push(`- ${c.sentence}`);
      const cite = citations.get(c.passage.chunkId) ?? {
        articleId: c.passage.articleId,
        chunkId: c.passage.chunkId,
        slug: c.passage.slug,
        title: c.passage.title,
        sentences: [],
      };
      cite.sentences!.push(c.sentence);
      citations.set(c.passage.chunkId, cite);
    }
    const articles = new Map([...citations.values()].map((c) => [c.articleId, c]));
    const links = [...articles.values()].map((c) => `- ${c.title}: ${passages.find((p) => p.articleId === c.articleId)!.url}`);
    body.push("", articles.size > 1 ? "More detail in these articles:" : "More detail in this article:", ...links);
    body.push("", "If this does not solve it, just reply and we will take it from there.", "", "Best regards,");
    const overlap = chosen.length ? Math.min(1, chosen.reduce((s, c) => s + c.score, 0) / chosen.length) : 0;
    return {
      body: body.join("\n"),
      citations: [...citations.values()],
      // Retrieval decides whether the KB answers this at all; sentence overlap only nudges.
      confidence: chosen.length ? Math.min(1, request.retrievalConfidence * (0.85 + 0.15 * overlap)) : 0,
    };
  }
}

/** Best sentences first, no near-duplicates, then put back in reading order per passage. */
function pickSentences(candidates: Candidate[]): Candidate[] {
  const picked: Candidate[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    if (picked.length >= MAX_SENTENCES) break;
    if (c.score <= 0.2 && picked.length >= 2) break;
    const words = new Set(contentWords(c.sentence));
    const duplicate = picked.some((p) => {
      const other = contentWords(p.sentence);
      return other.filter((w) => words.has(w)).length / Math.max(1, Math.min(other.length, words.size)) > 0.8;
    });
    if (!duplicate) picked.push(c);
  }
  const passageOrder = new Map<string, number>();
  for (const c of candidates) if (!passageOrder.has(c.passage.chunkId)) passageOrder.set(c.passage.chunkId, passageOrder.size);
  return picked.sort((a, b) => passageOrder.get(a.passage.chunkId)! - passageOrder.get(b.passage.chunkId)! || a.position - b.position);
}
