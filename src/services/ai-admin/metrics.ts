import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { isAdmin } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { MAX_REPORT_DAYS } from "../reports/agent-performance.js";
import { groupGaps, lowConfidenceQuestions, type KbGap } from "./kb-gaps.js";

// The admin's AI dashboard over [from, to). Each section has its own cohort, chosen so a number
// cannot move after the fact for the wrong reason:
//  - drafts: drafts created in the range (their review may come later),
//  - triage: tickets triaged in the range (metadata.ai.triagedAt), overridden whenever,
//  - deflection and KB gaps: answer sessions (and abstained drafts) created in the range,
//  - runs: ai_runs created in the range.
// Numbers are computed in SQL; rates are null when their denominator is 0.

const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Upper bound of a light edit; mirrors editBucket in services/drafts/edit-distance.ts (tested). */
export const LIGHT_EDIT_MAX = 0.3;

export function metricsRange(input: { from?: string; to?: string }, now = new Date()): { from: string; to: string } {
  const to = input.to ? new Date(input.to) : now;
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw invalidField("query.to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS) throw invalidField("query.to", `the range may span at most ${MAX_REPORT_DAYS} days`);
  return { from: from.toISOString(), to: to.toISOString() };
}

const rate = (num: string, den: string) => sql.raw(`round((${num})::numeric / nullif(${den}, 0), 4)::float8`);

interface DraftCounts {
  total: number;
  sentAsIs: number;
  lightlyEdited: number;
  heavilyEdited: number;
  rejected: number;
  abstained: number;
  pending: number;
  superseded: number;
  meanEditDistance: number | null;
}

function draftMetrics(tx: Executor, f: string, t: string) {
  // Same buckets as editBucket(): 0 → as is, ≤ LIGHT_EDIT_MAX → light, else heavy.
  const bucket = sql`CASE WHEN edit_distance = 0 THEN 'as_is' WHEN edit_distance <= ${LIGHT_EDIT_MAX}::real THEN 'light' ELSE 'heavy' END`;
  return queryRows<DraftCounts>(
    tx,
    sql`
    SELECT count(*)::int AS "total",
           count(*) FILTER (WHERE status = 'approved' OR (status = 'edited' AND ${bucket} = 'as_is'))::int AS "sentAsIs",
           count(*) FILTER (WHERE status = 'edited' AND ${bucket} = 'light')::int AS "lightlyEdited",
           count(*) FILTER (WHERE status = 'edited' AND ${bucket} = 'heavy')::int AS "heavilyEdited",
           count(*) FILTER (WHERE status = 'rejected')::int AS "rejected",
           count(*) FILTER (WHERE status = 'abstained')::int AS "abstained",
           count(*) FILTER (WHERE status = 'pending')::int AS "pending",
           count(*) FILTER (WHERE status = 'superseded')::int AS "superseded",
           round(avg(coalesce(edit_distance, 0)) FILTER (WHERE status IN ('approved', 'edited'))::numeric, 4)::float8 AS "meanEditDistance"
    FROM ai_drafts
    WHERE created_at >= ${f}::timestamptz AND created_at < ${t}::timestamptz`,
  );
}

interface TriageRow {
  teamId: string | null;
  teamName: string | null;
  isTotal: boolean;
  triaged: number;
  flaggedForHuman: number;
  priorityDecisions: number;
  priorityOverridden: number;
  priorityAccuracy: number | null;
  teamDecisions: number;
  teamOverridden: number;
  teamAccuracy: number | null;
}

/** A decision counts as overridden when staff later changed that field (ai_feedback "override"). */
function triageMetrics(tx: Executor, f: string, t: string) {
  return queryRows<TriageRow>(
    tx,
    sql`
    WITH triaged AS (
      SELECT tk.metadata->'ai'->>'priority' AS ai_priority,
             tk.metadata->'ai'->>'teamId' AS ai_team,
             coalesce(tk.metadata->'ai'->>'needsHuman' = 'true', false) AS flagged,
             EXISTS (SELECT 1 FROM ai_feedback fb WHERE fb.ticket_id = tk.id AND fb.kind = 'override' AND fb.field = 'priority') AS priority_changed,
             EXISTS (SELECT 1 FROM ai_feedback fb WHERE fb.ticket_id = tk.id AND fb.kind = 'override' AND fb.field = 'team') AS team_changed
      FROM tickets tk
      WHERE tk.metadata->'ai'->>'triagedAt' IS NOT NULL
        AND (tk.metadata->'ai'->>'triagedAt')::timestamptz >= ${f}::timestamptz
        AND (tk.metadata->'ai'->>'triagedAt')::timestamptz < ${t}::timestamptz
    ),
    agg AS (
      SELECT ai_team, grouping(ai_team) = 1 AS is_total,
             count(*)::int AS triaged,
             count(*) FILTER (WHERE flagged)::int AS flagged,
             count(ai_priority)::int AS p_dec,
             count(*) FILTER (WHERE ai_priority IS NOT NULL AND priority_changed)::int AS p_over,
             count(ai_team)::int AS t_dec,
             count(*) FILTER (WHERE ai_team IS NOT NULL AND team_changed)::int AS t_over
      FROM triaged
      GROUP BY GROUPING SETS ((ai_team), ())
    )
    SELECT agg.ai_team AS "teamId", tm.name AS "teamName", agg.is_total AS "isTotal",
           agg.triaged AS "triaged", agg.flagged AS "flaggedForHuman",
           agg.p_dec AS "priorityDecisions", agg.p_over AS "priorityOverridden", ${rate("agg.p_dec - agg.p_over", "agg.p_dec")} AS "priorityAccuracy",
           agg.t_dec AS "teamDecisions", agg.t_over AS "teamOverridden", ${rate("agg.t_dec - agg.t_over", "agg.t_dec")} AS "teamAccuracy"
    FROM agg LEFT JOIN teams tm ON tm.id::text = agg.ai_team
    ORDER BY agg.is_total DESC, agg.triaged DESC, tm.name NULLS LAST, agg.ai_team NULLS LAST`,
  );
}

interface DeflectionRow {
  sessions: number;
  solved: number;
  notHelpful: number;
  ticketFiled: number;
  noOutcome: number;
  abstained: number;
  deflectionRate: number | null;
  deflectionRateOverall: number | null;
  abstainRate: number | null;
}

function deflectionMetrics(tx: Executor, f: string, t: string) {
  return queryRows<DeflectionRow>(
    tx,
    sql`
    SELECT count(*)::int AS "sessions",
           count(*) FILTER (WHERE outcome = 'solved')::int AS "solved",
           count(*) FILTER (WHERE outcome = 'not_helpful')::int AS "notHelpful",
           count(*) FILTER (WHERE outcome = 'ticket_filed')::int AS "ticketFiled",
           count(*) FILTER (WHERE outcome IS NULL)::int AS "noOutcome",
           count(*) FILTER (WHERE abstained)::int AS "abstained",
           ${rate("count(*) FILTER (WHERE outcome = 'solved')", "count(outcome)")} AS "deflectionRate",
           ${rate("count(*) FILTER (WHERE outcome = 'solved')", "count(*)")} AS "deflectionRateOverall",
           ${rate("count(*) FILTER (WHERE abstained)", "count(*)")} AS "abstainRate"
    FROM answer_sessions
    WHERE created_at >= ${f}::timestamptz AND created_at < ${t}::timestamptz`,
  );
}

interface RunRow {
  kind: string | null;
  runs: number;
  errors: number;
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Per kind plus a total row (kind null). Latency covers every run, failed ones included: a timeout is latency too. */
function runMetrics(tx: Executor, f: string, t: string) {
  return queryRows<RunRow>(
    tx,
    sql`
    SELECT CASE WHEN grouping(kind) = 1 THEN NULL ELSE kind END AS "kind",
           count(*)::int AS "runs",
           count(error)::int AS "errors",
           ${rate("count(error)", "count(*)")} AS "errorRate",
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::numeric, 1)::float8 AS "latencyP50Ms",
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::numeric, 1)::float8 AS "latencyP95Ms",
           coalesce(sum(prompt_tokens), 0)::float8 AS "promptTokens",
           coalesce(sum(completion_tokens), 0)::float8 AS "completionTokens",
           coalesce(round(sum(cost_usd)::numeric, 6), 0)::float8 AS "costUsd"
    FROM ai_runs
    WHERE created_at >= ${f}::timestamptz AND created_at < ${t}::timestamptz
    GROUP BY GROUPING SETS ((kind), ())
    ORDER BY grouping(kind), kind`,
  );
}

const decision = (decisions: number, overridden: number, accuracy: number | null) => ({ decisions, overridden, accuracy });

export async function aiMetrics(ctx: ServiceContext, input: { from?: string; to?: string }) {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may read AI metrics");
  const { from, to } = metricsRange(input);
  const threshold = ctx.config.ANSWER_CONFIDENCE_THRESHOLD;
  const result = await runAs(ctx.db, ctx.actor, async (tx) => ({
    drafts: (await draftMetrics(tx, from, to))[0]!,
    triage: await triageMetrics(tx, from, to),
    deflection: (await deflectionMetrics(tx, from, to))[0]!,
    runs: await runMetrics(tx, from, to),
    gaps: groupGaps(await lowConfidenceQuestions(tx, { from, to }, threshold)),
  }));

  const triageGroups = result.triage.map((r) => ({
    teamId: r.teamId,
    teamName: r.teamName,
    isTotal: r.isTotal,
    triaged: r.triaged,
    flaggedForHuman: r.flaggedForHuman,
    priority: decision(r.priorityDecisions, r.priorityOverridden, r.priorityAccuracy),
    team: decision(r.teamDecisions, r.teamOverridden, r.teamAccuracy),
  }));
  const total = triageGroups.find((g) => g.isTotal)!;
  const { drafts } = result;
  const runTotal = result.runs.find((r) => r.kind === null)!;
  return {
    from,
    to,
    drafts: { ...drafts, sent: drafts.sentAsIs + drafts.lightlyEdited + drafts.heavilyEdited },
    triage: {
      triaged: total.triaged,
      flaggedForHuman: total.flaggedForHuman,
      priority: total.priority,
      team: total.team,
      byTeam: triageGroups.filter((g) => !g.isTotal).map(({ isTotal: _, ...g }) => g),
    },
    deflection: result.deflection,
    kbGaps: result.gaps satisfies KbGap[],
    runs: {
      byKind: result.runs.filter((r) => r.kind !== null).map((r) => ({ ...r, kind: r.kind! })),
      total: {
        runs: runTotal.runs,
        errors: runTotal.errors,
        errorRate: runTotal.errorRate,
        promptTokens: runTotal.promptTokens,
        completionTokens: runTotal.completionTokens,
        costUsd: runTotal.costUsd,
      },
    },
  };
}
export type AiMetrics = Awaited<ReturnType<typeof aiMetrics>>;
