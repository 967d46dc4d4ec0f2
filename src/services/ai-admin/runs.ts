import { and, desc, eq, gte, isNotNull, isNull, lt, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { aiFeedback, aiRuns } from "../../../db/schema/index.js";
import { isAdmin } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import { decodeKeyset, encodeKeyset, keysetKeyOf } from "../../http/pagination.js";
import type { ServiceContext } from "../context.js";

// The admin's log of the AI: every call (ai_runs) and every human correction (ai_feedback),
// newest first. Admin-only on purpose: run inputs hold ticket text from every team.

function requireAdminActor(ctx: ServiceContext): void {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may review the AI's runs and feedback");
}

interface Range {
  from?: string;
  to?: string;
}

/** Postgres reads the ISO text itself so microseconds survive; a bare date means midnight UTC. */
const instant = (value: string) => sql`${/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value}::timestamptz`;

function rangeFilters(column: AnyColumn, q: Range): (SQL | undefined)[] {
  if (q.from && q.to && new Date(q.from) >= new Date(q.to)) throw invalidField("query.to", "must be after from");
  return [q.from ? gte(column, instant(q.from)) : undefined, q.to ? lt(column, instant(q.to)) : undefined];
}

/** Newest first: rows strictly before the cursor in (created_at desc, id desc) order. */
function beforeCursor(createdAt: AnyColumn, id: AnyColumn, cursor: string | undefined): SQL | undefined {
  const after = decodeKeyset(cursor);
  return after ? sql`(${createdAt}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : undefined;
}

function page<R extends { id: string }, T>(rows: { row: R; sortKey: string }[], limit: number, dto: (r: R) => T) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { data: items.map((r) => dto(r.row)), nextCursor: rows.length > limit && last ? encodeKeyset(last.sortKey, last.row.id) : null };
}

type RunRow = typeof aiRuns.$inferSelect;

function toRunDto(r: RunRow) {
  return {
    id: r.id,
    kind: r.kind,
    ticketId: r.ticketId,
    provider: r.provider,
    model: r.model,
    output: r.output ?? null,
    confidence: r.confidence,
    latencyMs: r.latencyMs,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    costUsd: r.costUsd,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
  };
}
export type AiRunDto = ReturnType<typeof toRunDto>;

export interface ListAiRunsQuery extends Range {
  kind?: string;
  ticketId?: string;
  provider?: string;
  model?: string;
  hasError?: boolean;
  limit: number;
  cursor?: string;
}

export async function listAiRuns(ctx: ServiceContext, q: ListAiRunsQuery) {
  requireAdminActor(ctx);
  const filters: (SQL | undefined)[] = [
    q.kind ? eq(aiRuns.kind, q.kind) : undefined,
    q.ticketId ? eq(aiRuns.ticketId, q.ticketId) : undefined,
    q.provider ? eq(aiRuns.provider, q.provider) : undefined,
    q.model ? eq(aiRuns.model, q.model) : undefined,
    q.hasError === undefined ? undefined : q.hasError ? isNotNull(aiRuns.error) : isNull(aiRuns.error),
    ...rangeFilters(aiRuns.createdAt, q),
    beforeCursor(aiRuns.createdAt, aiRuns.id, q.cursor),
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    tx
      .select({ row: aiRuns, sortKey: keysetKeyOf(aiRuns.createdAt) })
      .from(aiRuns)
      .where(and(...filters))
      .orderBy(desc(aiRuns.createdAt), desc(aiRuns.id))
      .limit(q.limit + 1),
  );
  return page(rows, q.limit, toRunDto);
}

/** One run, with the input it was given (the list leaves inputs out: they can be large). */
export async function getAiRun(ctx: ServiceContext, id: string) {
  requireAdminActor(ctx);
  const [row] = await runAs(ctx.db, ctx.actor, (tx) => tx.select().from(aiRuns).where(eq(aiRuns.id, id)));
  if (!row) throw new AppError("AI_RUN_NOT_FOUND");
  return { ...toRunDto(row), input: row.input ?? null };
}

type FeedbackRow = typeof aiFeedback.$inferSelect;

function toFeedbackDto(f: FeedbackRow) {
  return {
    id: f.id,
    kind: f.kind,
    ticketId: f.ticketId,
    draftId: f.draftId,
    runId: f.runId,
    field: f.field,
    aiValue: f.aiValue ?? null,
    humanValue: f.humanValue ?? null,
    editDistance: f.editDistance,
    rating: f.rating,
    actorId: f.actorId,
    createdAt: f.createdAt.toISOString(),
  };
}
export type AiFeedbackDto = ReturnType<typeof toFeedbackDto>;

export interface ListAiFeedbackQuery extends Range {
  kind?: FeedbackRow["kind"];
  field?: string;
  ticketId?: string;
  limit: number;
  cursor?: string;
}

export async function listAiFeedback(ctx: ServiceContext, q: ListAiFeedbackQuery) {
  requireAdminActor(ctx);
  const filters: (SQL | undefined)[] = [
    q.kind ? eq(aiFeedback.kind, q.kind) : undefined,
    q.field ? eq(aiFeedback.field, q.field) : undefined,
    q.ticketId ? eq(aiFeedback.ticketId, q.ticketId) : undefined,
    ...rangeFilters(aiFeedback.createdAt, q),
    beforeCursor(aiFeedback.createdAt, aiFeedback.id, q.cursor),
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    tx
      .select({ row: aiFeedback, sortKey: keysetKeyOf(aiFeedback.createdAt) })
      .from(aiFeedback)
      .where(and(...filters))
      .orderBy(desc(aiFeedback.createdAt), desc(aiFeedback.id))
      .limit(q.limit + 1),
  );
  return page(rows, q.limit, toFeedbackDto);
}
