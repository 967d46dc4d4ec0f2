import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { slaPolicies, tickets, type TicketPriority } from "../../../db/schema/index.js";

export type SlaState = "ok" | "at_risk" | "breached" | "met" | "none";
export const SLA_FILTERS = ["breached", "at_risk", "ok"] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

/** A target is "at risk" in the last 25% of its window, but never warned about more than an hour ahead. */
const AT_RISK_FRACTION = 0.25;
const AT_RISK_MAX_MS = 60 * 60 * 1000;

/**
 * Due-date column values for a ticket of `priority`, measured from `base` (its creation time, as
 * SQL so created_at's microseconds are kept). The policy is read inside the statement that writes
 * them — no round trip of its own — and a priority without a policy gets no targets (NULL).
 */
export function slaDueColumns(priority: TicketPriority, base: SQLWrapper) {
  const due = (minutes: SQLWrapper) =>
    sql`${base} + (SELECT make_interval(mins => ${minutes}) FROM ${slaPolicies} WHERE ${slaPolicies.priority} = ${priority})`;
  return { firstResponseDueAt: due(slaPolicies.firstResponseMinutes), resolutionDueAt: due(slaPolicies.resolutionMinutes) };
}

type SlaFields = Pick<
  typeof tickets.$inferSelect,
  "createdAt" | "firstResponseDueAt" | "resolutionDueAt" | "firstRespondedAt" | "resolvedAt"
>;

// A target's clock stops when it is met: first response by the first reply (or by resolving the
// ticket without one), resolution by resolving. A target met late stays breached.
function target(due: Date | null, stoppedAt: Date | null, createdAt: Date, now: Date) {
  if (!due) return undefined;
  const end = (stoppedAt ?? now).getTime();
  const breached = end > due.getTime();
  const margin = Math.min((due.getTime() - createdAt.getTime()) * AT_RISK_FRACTION, AT_RISK_MAX_MS);
  const running = stoppedAt === null;
  return { breached, running, atRisk: running && !breached && now.getTime() >= due.getTime() - margin };
}

export function slaState(row: SlaFields, now: Date = new Date()): SlaState {
  const targets = [
    target(row.firstResponseDueAt, row.firstRespondedAt ?? row.resolvedAt, row.createdAt, now),
    target(row.resolutionDueAt, row.resolvedAt, row.createdAt, now),
  ].filter((t) => t !== undefined);
  if (targets.length === 0) return "none";
  if (targets.some((t) => t.breached)) return "breached";
  if (targets.every((t) => !t.running)) return "met";
  return targets.some((t) => t.atRisk) ? "at_risk" : "ok";
}

// The same rules in SQL, for the list filter. `now` defaults to the transaction's start.
function breachedSql(now: SQL): SQL {
  return sql`((${tickets.firstResponseDueAt} IS NOT NULL
      AND coalesce(${tickets.firstRespondedAt}, ${tickets.resolvedAt}, ${now}) > ${tickets.firstResponseDueAt})
    OR (${tickets.resolutionDueAt} IS NOT NULL AND coalesce(${tickets.resolvedAt}, ${now}) > ${tickets.resolutionDueAt}))`;
}

function atRiskTargetSql(due: SQLWrapper, now: SQL): SQL {
  return sql`${now} >= ${due} - least((${due} - ${tickets.createdAt}) * ${AT_RISK_FRACTION}::float8, interval '1 hour')`;
}

function atRiskSql(now: SQL): SQL {
  return sql`((${tickets.firstResponseDueAt} IS NOT NULL AND ${tickets.firstRespondedAt} IS NULL AND ${tickets.resolvedAt} IS NULL
      AND ${atRiskTargetSql(tickets.firstResponseDueAt, now)})
    OR (${tickets.resolutionDueAt} IS NOT NULL AND ${tickets.resolvedAt} IS NULL AND ${atRiskTargetSql(tickets.resolutionDueAt, now)}))`;
}

/** WHERE condition selecting exactly the tickets whose `slaState` is `state`. */
export function slaCondition(state: SlaFilter, now: SQL = sql`now()`): SQL {
  const breached = breachedSql(now);
  const atRisk = atRiskSql(now);
  switch (state) {
    case "breached":
      return breached;
    case "at_risk":
      return sql`(NOT ${breached} AND ${atRisk})`;
    case "ok":
      // Some target is still running, none breached, none close to its due time.
      return sql`(((${tickets.firstResponseDueAt} IS NOT NULL AND ${tickets.firstRespondedAt} IS NULL AND ${tickets.resolvedAt} IS NULL)
          OR (${tickets.resolutionDueAt} IS NOT NULL AND ${tickets.resolvedAt} IS NULL))
        AND NOT ${breached} AND NOT ${atRisk})`;
  }
}
