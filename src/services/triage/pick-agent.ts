import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { queryRows } from "../../../db/client.js";
import { teamMembers, users } from "../../../db/schema/index.js";

export interface AgentChoice {
  agentId: string;
  openTickets: number;
  matchedSkills: string[];
}

/**
 * The active agent of `teamId` with the fewest open tickets, preferring members whose skills
 * match the ticket's tags or words. Call inside the assigning transaction: the advisory lock
 * serialises choices per team, so two tickets triaged at once do not both land on the agent
 * who looked least busy a moment ago.
 */
export async function pickAgent(tx: Executor, teamId: string, ticket: { tags: string[]; text: string }): Promise<AgentChoice | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`autocrm:assign:${teamId}`}))`);
  const members = await tx
    .select({ id: users.id, skills: teamMembers.skills })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), eq(users.isActive, true), inArray(users.role, ["agent"])));
  if (members.length === 0) return null;

  const loads = await queryRows<{ assignee_id: string; open: number }>(
    tx,
    sql`SELECT assignee_id, count(*)::int AS open FROM tickets
        WHERE assignee_id IN (${sql.join(members.map((m) => sql`${m.id}::uuid`), sql`, `)})
          AND status IN ('new', 'open', 'pending')
        GROUP BY assignee_id`,
  );
  const load = new Map(loads.map((l) => [l.assignee_id, Number(l.open)]));
  const words = new Set([...ticket.tags.map((t) => t.toLowerCase()), ...(ticket.text.toLowerCase().match(/[\p{L}\p{N}-]+/gu) ?? [])]);

  const ranked = members
    .map((m) => ({ agentId: m.id, openTickets: load.get(m.id) ?? 0, matchedSkills: m.skills.filter((s) => words.has(s.toLowerCase())) }))
    .sort(
      (a, b) =>
        Math.sign(b.matchedSkills.length) - Math.sign(a.matchedSkills.length) ||
        a.openTickets - b.openTickets ||
        a.agentId.localeCompare(b.agentId),
    );
  return ranked[0] ?? null;
}
