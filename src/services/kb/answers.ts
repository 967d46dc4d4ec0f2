import { and, eq, isNull } from "drizzle-orm";
import type { Transaction } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { answerSessions, type AnswerOutcome } from "../../../db/schema/index.js";
import { SYSTEM, actorId, isCustomer, type Actor } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { hashRequest } from "../idempotency.js";
import { createTicket } from "../tickets/create.js";
import type { TicketDto } from "../tickets/dto.js";
import { insertLearnedQuestion, normalizeQuestion } from "./learned-questions.js";
import { runSearch, type SearchResult } from "./search.js";

// Instant answers: a question → up to three KB passages, or an explicit "no confident answer"
// when the calibrated confidence is below ANSWER_CONFIDENCE_THRESHOLD. Every question is an
// answer session; its outcome (solved / not helpful / ticket filed) is the deflection metric,
// and "solved by this article" teaches search the question (kb_learned_questions).

export const MAX_SUGGESTIONS = 3;

/** The abstain rule: nothing found, or a first result below the calibrated threshold. */
export const abstainsOn = (result: Pick<SearchResult, "results" | "confidence">, threshold: number): boolean =>
  result.results.length === 0 || result.confidence < threshold;

export interface SuggestedPassage {
  articleId: string;
  title: string;
  url: string;
  chunkId: string;
  headingPath: string[];
  text: string;
  highlight: string;
  score: number;
}

export interface AnswerDto {
  /** Answer session id: pass it back with feedback or "file a ticket anyway". */
  id: string;
  question: string;
  confidence: number;
  abstained: boolean;
  /** Shown instead of passages when abstaining. */
  message: string | null;
  passages: SuggestedPassage[];
  outcome: AnswerOutcome | null;
  ticketId: string | null;
  createdAt: string;
}

/** What a session stores of its results: enough to check feedback and to audit, no text. */
interface StoredResult {
  articleId: string;
  chunkId: string;
  score: number;
  shown: boolean;
}

const NO_ANSWER = "No confident answer in the knowledge base. You can file a ticket and a person will help.";

export async function answerQuestion(ctx: ServiceContext, question: string): Promise<AnswerDto> {
  const text = question.trim();
  const { result } = await runSearch(ctx, { q: text, limit: MAX_SUGGESTIONS });
  const abstained = abstainsOn(result, ctx.config.ANSWER_CONFIDENCE_THRESHOLD);
  const passages: SuggestedPassage[] = result.results.flatMap((hit) =>
    hit.passages.slice(0, 1).map((p) => ({ articleId: hit.articleId, title: hit.title, url: hit.url, ...p })),
  );
  const stored: StoredResult[] = passages.map((p) => ({ articleId: p.articleId, chunkId: p.chunkId, score: p.score, shown: !abstained }));
  // Visitors have no user id for the row-level policy to match, so their session is written by
  // the system; its unguessable id (a random UUID, only ever returned to the asker) is the
  // capability for their feedback.
  const writer: Actor = ctx.actor.kind === "user" ? ctx.actor : SYSTEM;
  const [row] = await runAs(ctx.db, writer, (tx) =>
    tx
      .insert(answerSessions)
      .values({ userId: actorId(ctx.actor), question: text, results: stored, confidence: result.confidence, abstained })
      .returning(),
  );
  return toAnswerDto(row!, abstained ? [] : passages);
}

function toAnswerDto(row: typeof answerSessions.$inferSelect, passages: SuggestedPassage[]): AnswerDto {
  return {
    id: row.id,
    question: row.question,
    confidence: row.confidence,
    abstained: row.abstained,
    message: row.abstained ? NO_ANSWER : null,
    passages,
    outcome: row.outcome ?? null,
    ticketId: row.ticketId ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The caller's own session, locked: users their own, visitors only sessions without a user. */
async function loadOwnSession(tx: Transaction, actor: Actor, id: string) {
  const owner = actorId(actor);
  const [row] = await tx
    .select()
    .from(answerSessions)
    .where(and(eq(answerSessions.id, id), owner ? eq(answerSessions.userId, owner) : isNull(answerSessions.userId)))
    .for("update");
  if (!row) throw new AppError("ANSWER_SESSION_NOT_FOUND");
  return row;
}

export interface AnswerFeedbackInput {
  helpful: boolean;
  /** The suggested article that solved it; the question is then learned for that article. */
  articleId?: string;
}

export async function recordAnswerFeedback(ctx: ServiceContext, sessionId: string, input: AnswerFeedbackInput): Promise<AnswerDto> {
  // Embed before the transaction (it may be a remote call); the question is read again inside.
  const peek = await runAs(ctx.db, SYSTEM, (tx) => tx.select({ question: answerSessions.question }).from(answerSessions).where(eq(answerSessions.id, sessionId)));
  const question = normalizeQuestion(peek[0]?.question ?? "");
  const [embedding] = input.helpful && input.articleId && question ? await ctx.embedder.embed([question], "passage") : [];

  // One transaction, as the system: the ownership check is explicit in loadOwnSession, and the
  // learned question is a table only staff and the system may write.
  const row = await runAs(ctx.db, SYSTEM, async (tx) => {
    const session = await loadOwnSession(tx, ctx.actor, sessionId);
    if (session.outcome) throw new AppError("CONFLICT", `this answer already has an outcome (${session.outcome})`);
    const shown = (session.results as StoredResult[]).filter((r) => r.shown);
    if (input.articleId && !shown.some((r) => r.articleId === input.articleId)) {
      throw invalidField("body.articleId", "must be one of the articles suggested in this answer");
    }
    const [updated] = await tx
      .update(answerSessions)
      .set({ outcome: input.helpful ? "solved" : "not_helpful", updatedAt: new Date() })
      .where(eq(answerSessions.id, session.id))
      .returning();
    if (embedding && input.articleId) {
      await insertLearnedQuestion(tx, { articleId: input.articleId, question, source: "answer_session", sourceId: session.id, embedding, model: ctx.embedder.model });
    }
    return updated!;
  });
  return toAnswerDto(row, []);
}

const SUBJECT_LENGTH = 120;

/**
 * "File a ticket anyway": the question becomes a ticket from the signed-in customer (channel
 * widget) linked to the session. Idempotent per session: asking twice returns the same ticket.
 */
export async function fileTicketFromAnswer(ctx: ServiceContext, sessionId: string): Promise<{ answer: AnswerDto; ticket: TicketDto }> {
  if (ctx.actor.kind !== "user") throw new AppError("UNAUTHENTICATED", "sign in to file a ticket");
  if (!isCustomer(ctx.actor)) throw new AppError("FORBIDDEN", "only customers file tickets from their instant answers");
  const customer = ctx.actor;
  const session = await runAs(ctx.db, customer, (tx) => loadOwnSession(tx, customer, sessionId));
  if (session.outcome === "ticket_filed" && !session.ticketId) throw new AppError("CONFLICT", "the ticket filed from this answer was deleted");
  const question = session.question.replace(/\s+/g, " ").trim();
  const ticket = await createTicket(
    ctx,
    { subject: question.slice(0, SUBJECT_LENGTH), description: session.question, channel: "widget" },
    [],
    { idempotency: { key: `answer-session:${session.id}`, scope: `${customer.id}:POST /answers/ticket`, requestHash: hashRequest({ sessionId: session.id }) } },
  );
  const [row] = await runAs(ctx.db, customer, (tx) =>
    tx
      .update(answerSessions)
      .set({ outcome: "ticket_filed", ticketId: ticket.id, updatedAt: new Date() })
      .where(eq(answerSessions.id, session.id))
      .returning(),
  );
  return { answer: toAnswerDto(row!, []), ticket };
}
