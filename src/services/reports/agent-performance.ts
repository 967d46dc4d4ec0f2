import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { isAdmin } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import type { ServiceContext } from "../context.js";

export const MAX_REPORT_DAYS = 366;

export interface AgentPerformance {
  agentId: string;
  fullName: string;
  role: string;
  ticketsResolved: number;
  medianFirstResponseMinutes: number | null;
  medianResolutionMinutes: number | null;
  csatAverage: number | null;
  csatCount: number;
  slaBreaches: number;
}

/**
 * Per-agent numbers over [from, to), by current assignee. Two cohorts, on purpose:
 *  - resolved in the range: ticketsResolved and medianResolutionMinutes (what got done),
 *  - created in the range: first response, CSAT and SLA breaches (how the range's intake went).
 * Minutes are medians (percentile_cont 0.5): one ticket left over a weekend should not swamp them.
 */
export async function agentPerformance(ctx: ServiceContext, input: { from: string; to: string }) {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may read reports");
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (from >= to) throw invalidField("query.to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86_400_000) {
    throw invalidField("query.to", `the range may span at most ${MAX_REPORT_DAYS} days`);
  }
  const f = from.toISOString();
  const t = to.toISOString();

  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    queryRows<AgentPerformance>(
      tx,
      sql`
      WITH resolved AS (
        SELECT assignee_id,
               count(*)::int AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60) AS median_resolution
        FROM tickets
        WHERE assignee_id IS NOT NULL AND resolved_at >= ${f}::timestamptz AND resolved_at < ${t}::timestamptz
        GROUP BY assignee_id
      ),
      created AS (
        SELECT assignee_id,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - created_at) / 60)
                 FILTER (WHERE first_responded_at IS NOT NULL) AS median_first_response,
               count(*) FILTER (WHERE
                    first_responded_at > first_response_due_at
                 -- No answer yet, or resolved unanswered after the deadline.
                 OR (first_responded_at IS NULL AND first_response_due_at < coalesce(resolved_at, now()))
                 OR resolved_at > resolution_due_at
                 OR (resolved_at IS NULL AND resolution_due_at < now())
               )::int AS sla_breaches
        FROM tickets
        WHERE assignee_id IS NOT NULL AND created_at >= ${f}::timestamptz AND created_at < ${t}::timestamptz
        GROUP BY assignee_id
      ),
      csat AS (
        SELECT tk.assignee_id, avg(fb.rating) AS average, count(*)::int AS n
        FROM ticket_feedback fb
        JOIN tickets tk ON tk.id = fb.ticket_id
        WHERE tk.assignee_id IS NOT NULL AND tk.created_at >= ${f}::timestamptz AND tk.created_at < ${t}::timestamptz
        GROUP BY tk.assignee_id
      )
      SELECT u.id AS "agentId",
             u.full_name AS "fullName",
             u.role,
             coalesce(r.n, 0) AS "ticketsResolved",
             round(c.median_first_response::numeric, 1)::float8 AS "medianFirstResponseMinutes",
             round(r.median_resolution::numeric, 1)::float8 AS "medianResolutionMinutes",
             round(cs.average, 2)::float8 AS "csatAverage",
             coalesce(cs.n, 0) AS "csatCount",
             coalesce(c.sla_breaches, 0) AS "slaBreaches"
      FROM users u
      LEFT JOIN resolved r ON r.assignee_id = u.id
      LEFT JOIN created c ON c.assignee_id = u.id
      LEFT JOIN csat cs ON cs.assignee_id = u.id
      WHERE u.role IN ('agent', 'admin') AND (r.assignee_id IS NOT NULL OR c.assignee_id IS NOT NULL)
      ORDER BY u.full_name, u.id`,
    ),
  );
  return { from: f, to: t, agents: rows };
}
