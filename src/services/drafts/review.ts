import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { aiDrafts, aiFeedback, ticketMessages, tickets, type DraftStatus } from "../../../db/schema/index.js";
import { actorId, isStaff } from "../../auth/actor.js";
import { AppError } from "../../errors.js";
import { decodeKeyset, encodeKeyset, keysetKeyOf } from "../../http/pagination.js";
import type { ServiceContext } from "../context.js";
import { writeMessage } from "../conversations/messages.js";
import { learnQuestion } from "../kb/learned-questions.js";
import { ticketVisibility } from "../tickets/access.js";
import { normalisedEditDistance } from "./edit-distance.js";

export type DraftRow = typeof aiDrafts.$inferSelect;

export function toDraftDto(d: DraftRow) {
  return {
    id: d.id,
    ticketId: d.ticketId,
    messageId: d.messageId,
    body: d.body,
    citations: d.citations,
    confidence: d.confidence,
    status: d.status,
    reviewerId: d.reviewerId,
    finalBody: d.finalBody,
    editDistance: d.editDistance,
    rejectReason: d.rejectReason,
    createdAt: d.createdAt.toISOString(),
    reviewedAt: d.reviewedAt?.toISOString() ?? null,
  };
}
export type DraftDto = ReturnType<typeof toDraftDto>;

function requireStaffActor(ctx: ServiceContext) {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins review drafts");
}

/** The review queue: drafts on tickets the caller can see, oldest first. */
export async function listDrafts(ctx: ServiceContext, input: { status?: DraftStatus; ticketId?: string; limit: number; cursor?: string }) {
  requireStaffActor(ctx);
  const after = decodeKeyset(input.cursor);
  const filters: (SQL | undefined)[] = [
    input.status ? eq(aiDrafts.status, input.status) : undefined,
    input.ticketId ? eq(aiDrafts.ticketId, input.ticketId) : undefined,
    ticketVisibility(ctx.actor),
    after ? sql`(${aiDrafts.createdAt}, ${aiDrafts.id}) > (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    tx
      .select({ draft: aiDrafts, sortKey: keysetKeyOf(aiDrafts.createdAt) })
      .from(aiDrafts)
      .innerJoin(tickets, eq(tickets.id, aiDrafts.ticketId))
      .where(and(...filters))
      .orderBy(asc(aiDrafts.createdAt), asc(aiDrafts.id))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { data: page.map((r) => toDraftDto(r.draft)), nextCursor: rows.length > input.limit && last ? encodeKeyset(last.sortKey, last.draft.id) : null };
}

export async function getDraft(ctx: ServiceContext, id: string): Promise<DraftDto> {
  requireStaffActor(ctx);
  const [row] = await runAs(ctx.db, ctx.actor, (tx) => tx.select().from(aiDrafts).where(eq(aiDrafts.id, id)));
  if (!row) throw new AppError("DRAFT_NOT_FOUND");
  return toDraftDto(row);
}

type Tx = Parameters<Parameters<typeof runAs>[2]>[0];

async function lockPendingDraft(tx: Tx, id: string): Promise<DraftRow> {
  // RLS shows a draft only to staff who can see its ticket.
  const [draft] = await tx.select().from(aiDrafts).where(eq(aiDrafts.id, id)).for("update");
  if (!draft) throw new AppError("DRAFT_NOT_FOUND");
  if (draft.status !== "pending") throw new AppError("CONFLICT", `the draft is ${draft.status}, not pending`);
  return draft;
}

/** The review as training signal and dashboard input: outcome and how much the agent changed. */
async function recordReview(tx: Tx, ctx: ServiceContext, draft: DraftRow, humanValue: Record<string, unknown>, editDistance: number): Promise<void> {
  await tx.insert(aiFeedback).values({
    kind: "draft_review",
    ticketId: draft.ticketId,
    draftId: draft.id,
    runId: draft.runId,
    field: "draft",
    aiValue: { confidence: draft.confidence },
    humanValue,
    editDistance,
    actorId: actorId(ctx.actor),
  });
}

/**
 * Sends a draft as the agent's reply — as drafted (approved) or edited — in one transaction
 * with the draft's review and its feedback row. The cited articles then learn the customer's
 * question, so retrieval improves with use.
 */
export async function approveDraft(ctx: ServiceContext, id: string, input: { body?: string; status?: "pending" | "resolved" }): Promise<DraftDto> {
  requireStaffActor(ctx);
  const result = await runAs(ctx.db, ctx.actor, async (tx) => {
    const draft = await lockPendingDraft(tx, id);
    const finalBody = input.body ?? draft.body;
    const distance = normalisedEditDistance(draft.body, finalBody);
    const status: DraftStatus = distance === 0 ? "approved" : "edited";
    await writeMessage(tx, ctx, draft.ticketId, { body: finalBody, status: input.status }, [], [], { draftId: draft.id });
    const [row] = await tx
      .update(aiDrafts)
      .set({ status, reviewerId: actorId(ctx.actor), finalBody, editDistance: distance, reviewedAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
      .where(eq(aiDrafts.id, id))
      .returning();
    await recordReview(tx, ctx, draft, { outcome: status }, distance);
    const [question] = draft.messageId
      ? await tx.select({ body: ticketMessages.body }).from(ticketMessages).where(eq(ticketMessages.id, draft.messageId))
      : [];
    return { row: row!, question: question?.body };
  });
  if (result.question) {
    for (const articleId of new Set(result.row.citations.map((c) => c.articleId))) {
      await learnQuestion({ db: ctx.db, embedder: ctx.embedder }, articleId, result.question, "draft", result.row.id).catch((err: unknown) =>
        ctx.logger.warn({ err, draftId: id }, "could not store the learned question"),
      );
    }
  }
  return toDraftDto(result.row);
}

export async function rejectDraft(ctx: ServiceContext, id: string, input: { reason: string }): Promise<DraftDto> {
  requireStaffActor(ctx);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const draft = await lockPendingDraft(tx, id);
    const [row] = await tx
      .update(aiDrafts)
      .set({ status: "rejected", reviewerId: actorId(ctx.actor), rejectReason: input.reason, reviewedAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
      .where(eq(aiDrafts.id, id))
      .returning();
    await recordReview(tx, ctx, draft, { outcome: "rejected", reason: input.reason }, 1);
    return toDraftDto(row!);
  });
}
