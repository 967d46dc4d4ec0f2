import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { aiDrafts, ticketMessages, tickets, users } from "../../../db/schema/index.js";
import { SYSTEM, type Actor } from "../../auth/actor.js";
import type { DraftModel, DraftPassage } from "../../ai/drafting/types.js";
import type { Embedder } from "../../ai/embeddings/embedder.js";
import { withAiRun } from "../../ai/runs.js";
import type { Config } from "../../config.js";
import { AppError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { AttachmentStorage } from "../attachments/storage.js";
import { searchKb } from "../kb/search.js";
import { recordEvent } from "../tickets/events.js";

export interface DraftDeps {
  db: Database;
  config: Config;
  logger: Logger;
  embedder: Embedder;
  storage: AttachmentStorage;
}

export type DraftOutcome = { status: "drafted" | "abstained"; draftId: string } | { status: "skipped"; reason: string };

const PASSAGES_PER_ARTICLE = 2;
const ARTICLES = 3;

/**
 * Drafts a reply to one customer message from retrieved KB passages. Idempotent per message
 * (unique ai_drafts.message_id): a retried or duplicated job finds the draft and stops. The
 * model sees the public conversation and published KB text only — retrieval runs as the
 * ticket's customer, so row-level security keeps drafts and internal content out of reach.
 */
export async function draftReply(deps: DraftDeps, ticketId: string, messageId: string, model: DraftModel): Promise<DraftOutcome> {
  const loaded = await runAs(deps.db, SYSTEM, async (tx) => {
    const [ticket] = await tx
      .select({ ticket: tickets, customer: { id: users.id, email: users.email, fullName: users.fullName, role: users.role } })
      .from(tickets)
      .innerJoin(users, eq(users.id, tickets.customerId))
      .where(eq(tickets.id, ticketId));
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const [existing] = await tx.select({ id: aiDrafts.id, status: aiDrafts.status }).from(aiDrafts).where(eq(aiDrafts.messageId, messageId));
    // Never the internal notes: filtered here, dropped again when the prompt is built.
    const conversation = await tx
      .select({ id: ticketMessages.id, authorType: ticketMessages.authorType, body: ticketMessages.body })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.isInternal, false)))
      .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
    return { ...ticket, existing, conversation };
  });
  if (loaded.existing) return { status: "skipped", reason: `already drafted (${loaded.existing.status})` };
  const message = loaded.conversation.find((m) => m.id === messageId);
  if (!message || message.authorType !== "customer") throw new AppError("NOT_FOUND", "no such customer message on this ticket");
  if (loaded.ticket.status === "closed") return { status: "skipped", reason: "ticket is closed" };
  const lastCustomer = [...loaded.conversation].reverse().find((m) => m.authorType === "customer");
  if (lastCustomer?.id !== messageId) return { status: "skipped", reason: "a newer customer message will be drafted instead" };

  const customer: Actor = { kind: "user", id: loaded.customer.id, role: loaded.customer.role, email: loaded.customer.email, fullName: loaded.customer.fullName };
  const isFirst = loaded.conversation[0]?.id === messageId;
  const query = (isFirst ? `${loaded.ticket.subject}\n${message.body}` : message.body).slice(0, 1000);
  const search = await searchKb(
    { db: deps.db, actor: customer, config: deps.config, logger: deps.logger, storage: deps.storage, embedder: deps.embedder, notifyJobs: () => {} },
    { q: query, limit: ARTICLES },
  );
  const passages: DraftPassage[] = search.results.flatMap((hit) =>
    hit.passages.slice(0, PASSAGES_PER_ARTICLE).map((p) => ({
      chunkId: p.chunkId,
      articleId: hit.articleId,
      slug: hit.slug,
      title: hit.title,
      url: hit.url,
      text: p.text,
      score: p.score,
    })),
  );

  const threshold = deps.config.DRAFT_CONFIDENCE_THRESHOLD;
  const run = await withAiRun(
    deps.db,
    { kind: "draft", ticketId, provider: model.provider, model: model.model, input: { ticketId, messageId, passages: passages.map((p) => p.chunkId), retrievalConfidence: search.confidence } },
    async () => {
      const answer =
        passages.length === 0
          ? { body: "", citations: [], confidence: 0 }
          : await model.draft({
              customerName: loaded.customer.fullName,
              subject: loaded.ticket.subject,
              conversation: loaded.conversation.map((m) => ({ authorType: m.authorType, body: m.body })),
              question: message.body,
              passages,
              retrievalConfidence: search.confidence,
            });
      return { value: answer, usage: "usage" in answer ? answer.usage : undefined, confidence: answer.confidence, output: { citations: answer.citations, confidence: answer.confidence } };
    },
  );
  const answer = run.value;
  const abstain = answer.confidence < threshold || answer.citations.length === 0;

  return runAs(deps.db, SYSTEM, async (tx) => {
    // A newer customer message makes older pending drafts moot.
    await tx
      .update(aiDrafts)
      .set({ status: "superseded", updatedAt: sql`clock_timestamp()` })
      .where(and(eq(aiDrafts.ticketId, ticketId), eq(aiDrafts.status, "pending")));
    const [row] = await tx
      .insert(aiDrafts)
      .values({
        ticketId,
        messageId,
        runId: run.runId,
        body: abstain ? "" : answer.body,
        citations: abstain ? [] : answer.citations,
        confidence: answer.confidence,
        status: abstain ? "abstained" : "pending",
      })
      .onConflictDoNothing({ target: aiDrafts.messageId })
      .returning({ id: aiDrafts.id });
    if (!row) {
      const [other] = await tx.select({ id: aiDrafts.id }).from(aiDrafts).where(eq(aiDrafts.messageId, messageId));
      return { status: "skipped", reason: `drafted concurrently (${other?.id})` } as const;
    }
    await recordEvent(tx, SYSTEM, {
      ticketId,
      kind: abstain ? "ticket.draft_abstained" : "ticket.draft_ready",
      to: { draftId: row.id, confidence: Number(answer.confidence.toFixed(3)) },
      isInternal: true,
      actorType: "ai",
    });
    if (abstain) {
      await tx.update(tickets).set({ needsHuman: true, updatedAt: sql`clock_timestamp()` }).where(eq(tickets.id, ticketId));
    }
    return { status: abstain ? "abstained" : "drafted", draftId: row.id } as const;
  });
}

