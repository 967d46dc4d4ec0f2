import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { teamMembers, teams, tickets, users } from "../../../db/schema/index.js";
import { isAdmin, isStaff, type Actor } from "../../auth/actor.js";
import { AppError, invalidField, pgConstraint, pgErrorCode } from "../../errors.js";
import type { ServiceContext } from "../context.js";

type TeamRow = typeof teams.$inferSelect;

export function toTeam(t: TeamRow, memberCount: number) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    skills: t.skills,
    memberCount,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
export type Team = ReturnType<typeof toTeam>;

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "only admins may manage teams");
}

function requireStaff(actor: Actor): void {
  if (!isStaff(actor)) throw new AppError("FORBIDDEN", "only agents and admins may see teams");
}

/** Skills arrive trimmed and lower-cased from the route schema; duplicates are dropped here. */
const uniqueSkills = (skills: string[]) => [...new Set(skills)];

function mapTeamConflict(err: unknown): never {
  if (pgErrorCode(err) === "23505" && pgConstraint(err) === "teams_name_key") throw new AppError("TEAM_NAME_TAKEN");
  throw err;
}

const memberCount = sql<number>`(SELECT count(*)::int FROM team_members m WHERE m.team_id = ${teams.id})`;

export interface TeamInput {
  name: string;
  description?: string;
  skills?: string[];
}

export async function createTeam(ctx: ServiceContext, input: TeamInput): Promise<Team> {
  requireAdmin(ctx.actor);
  try {
    return await runAs(ctx.db, ctx.actor, async (tx) => {
      const [team] = await tx
        .insert(teams)
        .values({ name: input.name, description: input.description ?? "", skills: uniqueSkills(input.skills ?? []) })
        .returning();
      return toTeam(team!, 0);
    });
  } catch (err) {
    mapTeamConflict(err);
  }
}

export async function listTeams(ctx: ServiceContext): Promise<Team[]> {
  requireStaff(ctx.actor);
  // Teams are few (tens, not thousands): one page, sorted by name.
  const rows = await runAs(ctx.db, ctx.actor, (tx) => tx.select({ team: teams, memberCount }).from(teams).orderBy(asc(teams.name)));
  return rows.map((r) => toTeam(r.team, r.memberCount));
}

export async function getTeam(ctx: ServiceContext, id: string): Promise<Team> {
  requireStaff(ctx.actor);
  const [row] = await runAs(ctx.db, ctx.actor, (tx) => tx.select({ team: teams, memberCount }).from(teams).where(eq(teams.id, id)));
  if (!row) throw new AppError("TEAM_NOT_FOUND");
  return toTeam(row.team, row.memberCount);
}

export async function updateTeam(ctx: ServiceContext, id: string, input: Partial<TeamInput>): Promise<Team> {
  requireAdmin(ctx.actor);
  try {
    return await runAs(ctx.db, ctx.actor, async (tx) => {
      const [team] = await tx
        .update(teams)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.skills !== undefined ? { skills: uniqueSkills(input.skills) } : {}),
          updatedAt: sql`clock_timestamp()`,
        })
        .where(eq(teams.id, id))
        .returning();
      if (!team) throw new AppError("TEAM_NOT_FOUND");
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(teamMembers).where(eq(teamMembers.teamId, id));
      return toTeam(team, count?.n ?? 0);
    });
  } catch (err) {
    mapTeamConflict(err);
  }
}

/**
 * Refuses while open tickets still belong to the team: the FK would silently drop them into
 * the no-team pool (and out of the right agents' sight). Resolved and closed tickets just
 * lose their team. The team's routing rules go with it (FK cascade).
 */
export async function deleteTeam(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor);
  await runAs(ctx.db, ctx.actor, async (tx) => {
    // Lock the team so no ticket can be moved into it while we count.
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).for("update");
    if (!team) throw new AppError("TEAM_NOT_FOUND");
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(eq(tickets.teamId, id), notInArray(tickets.status, ["resolved", "closed"])));
    if (open && open.n > 0) {
      throw new AppError("CONFLICT", `${open.n} open ticket(s) still belong to this team; move them to another team first`);
    }
    await tx.delete(teams).where(eq(teams.id, id));
  });
}

function toMember(row: { userId: string; fullName: string; email: string; role: string; isActive: boolean; skills: string[]; joinedAt: Date }) {
  return { ...row, joinedAt: row.joinedAt.toISOString() };
}
export type TeamMember = ReturnType<typeof toMember>;

const memberColumns = {
  userId: teamMembers.userId,
  fullName: users.fullName,
  email: users.email,
  role: users.role,
  isActive: users.isActive,
  skills: teamMembers.skills,
  joinedAt: teamMembers.createdAt,
};

export async function listMembers(ctx: ServiceContext, teamId: string): Promise<TeamMember[]> {
  requireStaff(ctx.actor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
    if (!team) throw new AppError("TEAM_NOT_FOUND");
    const rows = await tx
      .select(memberColumns)
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teamMembers.teamId, teamId))
      .orderBy(asc(users.fullName), asc(users.id));
    return rows.map(toMember);
  });
}

/** Adds a member or replaces their skills (PUT is idempotent). Only active agents/admins can join. */
export async function putMember(ctx: ServiceContext, teamId: string, userId: string, skills: string[] | undefined): Promise<TeamMember> {
  requireAdmin(ctx.actor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
    if (!team) throw new AppError("TEAM_NOT_FOUND");
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.isActive, true), inArray(users.role, ["agent", "admin"])));
    if (!user) throw invalidField("params.userId", "must be an active agent or admin");
    const values = { teamId, userId, skills: uniqueSkills(skills ?? []) };
    await tx
      .insert(teamMembers)
      .values(values)
      // Without a body, an existing member keeps their skills.
      .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.userId], set: skills ? { skills: values.skills } : { userId } });
    const [row] = await tx
      .select(memberColumns)
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
    return toMember(row!);
  });
}

export async function removeMember(ctx: ServiceContext, teamId: string, userId: string): Promise<void> {
  requireAdmin(ctx.actor);
  await runAs(ctx.db, ctx.actor, async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
    if (!team) throw new AppError("TEAM_NOT_FOUND");
    const removed = await tx
      .delete(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
      .returning({ userId: teamMembers.userId });
    if (removed.length === 0) throw new AppError("NOT_FOUND", "that user is not a member of this team");
  });
}
