import { and, asc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { teamMembers, teams, userIdentities, users, type IdentityKind, type Role } from "../../../db/schema/index.js";
import { actorId, isAdmin, isStaff, type Actor } from "../../auth/actor.js";
import { hashPassword } from "../../auth/passwords.js";
import { AppError, invalidField, pgConstraint, pgErrorCode } from "../../errors.js";
import { decodeKeyset, encodeKeyset, keysetKeyOf } from "../../http/pagination.js";
import type { ServiceContext } from "../context.js";
import { forgetCachedSessions } from "./session-cache.js";
import { revokeUserSessions } from "./sessions.js";

export type UserRow = typeof users.$inferSelect;

/** What the API shows of a user: never the password hash. */
export function toPublicUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    fullName: u.fullName,
    role: u.role,
    preferredLanguage: u.preferredLanguage,
    isActive: u.isActive,
    lastSeenAt: u.lastSeenAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
export type PublicUser = ReturnType<typeof toPublicUser>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Maps unique violations on users/identities to 409s; rethrows anything else. */
export function mapUserConflict(err: unknown): never {
  if (pgErrorCode(err) === "23505") {
    const constraint = pgConstraint(err);
    if (constraint === "users_email_key") throw new AppError("EMAIL_TAKEN");
    if (constraint === "user_identities_kind_value_key") throw new AppError("IDENTITY_TAKEN");
  }
  throw err;
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "only admins may do this");
}

export interface CreateUserInput {
  email: string;
  fullName: string;
  role: Role;
  password?: string;
  preferredLanguage?: string;
  teamIds?: string[];
}

/** Admins create agents, admins (and customers on their behalf). */
export async function createUser(ctx: ServiceContext, input: CreateUserInput): Promise<PublicUser> {
  requireAdmin(ctx.actor);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const email = normaliseEmail(input.email);
  try {
    return await runAs(ctx.db, ctx.actor, async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email, fullName: input.fullName, role: input.role, passwordHash, preferredLanguage: input.preferredLanguage ?? null })
        .returning();
      await tx.insert(userIdentities).values({ userId: user!.id, kind: "email", value: email }).onConflictDoNothing();
      if (input.teamIds?.length) {
        const found = await tx.select({ id: teams.id }).from(teams).where(inArray(teams.id, input.teamIds));
        if (found.length !== new Set(input.teamIds).size) throw invalidField("body.teamIds", "contains a team that does not exist");
        await tx.insert(teamMembers).values([...new Set(input.teamIds)].map((teamId) => ({ teamId, userId: user!.id })));
      }
      return toPublicUser(user!);
    });
  } catch (err) {
    mapUserConflict(err);
  }
}

export async function getUser(ctx: ServiceContext, id: string): Promise<PublicUser & { teamIds: string[] }> {
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, id));
    // RLS already hides other customers from customers; the 404 is the same either way.
    if (!user) throw new AppError("USER_NOT_FOUND");
    const memberships = await tx.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, id));
    return { ...toPublicUser(user), teamIds: memberships.map((m) => m.teamId) };
  });
}

export interface ListUsersInput {
  role?: Role;
  q?: string;
  isActive?: boolean;
  limit: number;
  cursor?: string;
}

/** Staff directory, newest last, keyset-paged by (created_at, id). */
export async function listUsers(ctx: ServiceContext, input: ListUsersInput) {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins may list users");
  const after = decodeKeyset(input.cursor);
  const filters: (SQL | undefined)[] = [
    input.role ? eq(users.role, input.role) : undefined,
    input.isActive === undefined ? undefined : eq(users.isActive, input.isActive),
    input.q ? or(ilike(users.email, `%${escapeLike(input.q)}%`), ilike(users.fullName, `%${escapeLike(input.q)}%`)) : undefined,
    after ? sql`(${users.createdAt}, ${users.id}) > (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
  ];
  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    tx
      .select({ user: users, sortKey: keysetKeyOf(users.createdAt) })
      .from(users)
      .where(and(...filters))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(input.limit + 1),
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => toPublicUser(r.user)),
    nextCursor: rows.length > input.limit && last ? encodeKeyset(last.sortKey, last.user.id) : null,
  };
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface UpdateUserInput {
  fullName?: string;
  preferredLanguage?: string | null;
  password?: string;
  role?: Role;
}

/** Users edit their own profile; admins edit anyone's, including role. */
export async function updateUser(ctx: ServiceContext, id: string, input: UpdateUserInput): Promise<PublicUser> {
  const self = actorId(ctx.actor) === id;
  if (!self && !isAdmin(ctx.actor)) throw new AppError("USER_NOT_FOUND");
  if (input.role !== undefined && !isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "only admins may change a role");
  if (input.role !== undefined && self && input.role !== "admin") throw invalidField("body.role", "admins cannot demote themselves");
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const updated = await runAs(ctx.db, ctx.actor, async (tx) => {
    const [user] = await tx
      .update(users)
      .set({
        ...(input.fullName !== undefined ? { fullName: input.fullName } : {}),
        ...(input.preferredLanguage !== undefined ? { preferredLanguage: input.preferredLanguage } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        updatedAt: sql`clock_timestamp()`,
      })
      .where(eq(users.id, id))
      .returning();
    if (!user) throw new AppError("USER_NOT_FOUND");
    // A new password ends every other session of that user (the caller's own stays when self).
    if (passwordHash) await revokeUserSessions(tx, id, self && ctx.actor.kind === "user" ? ctx.actor.sessionId : undefined);
    return toPublicUser(user);
  });
  // Sessions carry the role and name: the next request must read them afresh.
  forgetCachedSessions(ctx.db, id);
  return updated;
}

/** Deactivation ends all the user's sessions at once; their tickets and messages stay. */
export async function setUserActive(ctx: ServiceContext, id: string, active: boolean): Promise<PublicUser> {
  requireAdmin(ctx.actor);
  if (actorId(ctx.actor) === id && !active) throw invalidField("params.id", "admins cannot deactivate themselves");
  const updated = await runAs(ctx.db, ctx.actor, async (tx) => {
    const [user] = await tx.update(users).set({ isActive: active, updatedAt: sql`clock_timestamp()` }).where(eq(users.id, id)).returning();
    if (!user) throw new AppError("USER_NOT_FOUND");
    if (!active) await revokeUserSessions(tx, id);
    return toPublicUser(user);
  });
  forgetCachedSessions(ctx.db, id);
  return updated;
}

export function normaliseIdentity(kind: IdentityKind, value: string): string {
  const v = value.trim();
  if (kind === "email") return v.toLowerCase();
  if (kind === "phone" || kind === "whatsapp") return v.replace(/[\s().-]/g, "");
  return v;
}

export async function listIdentities(ctx: ServiceContext, userId: string) {
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user || !(isStaff(ctx.actor) || actorId(ctx.actor) === userId)) throw new AppError("USER_NOT_FOUND");
    return tx
      .select({ id: userIdentities.id, kind: userIdentities.kind, value: userIdentities.value, createdAt: userIdentities.createdAt })
      .from(userIdentities)
      .where(eq(userIdentities.userId, userId))
      .orderBy(asc(userIdentities.createdAt));
  });
}

/** Links an external identity (phone, slack id…) to a person; unique per kind across everyone. */
export async function addIdentity(ctx: ServiceContext, userId: string, kind: IdentityKind, value: string) {
  if (!isStaff(ctx.actor) && actorId(ctx.actor) !== userId) throw new AppError("USER_NOT_FOUND");
  try {
    return await runAs(ctx.db, ctx.actor, async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw new AppError("USER_NOT_FOUND");
      const [row] = await tx.insert(userIdentities).values({ userId, kind, value: normaliseIdentity(kind, value) }).returning();
      return { id: row!.id, kind: row!.kind, value: row!.value, createdAt: row!.createdAt };
    });
  } catch (err) {
    mapUserConflict(err);
  }
}

/** Inbound channels find the customer behind an address or handle (seed 001). Staff only. */
export async function findUserByIdentity(ctx: ServiceContext, kind: IdentityKind, value: string): Promise<PublicUser> {
  if (!isStaff(ctx.actor)) throw new AppError("FORBIDDEN", "only agents and admins may look up identities");
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [row] = await tx
      .select({ user: users })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.kind, kind), eq(userIdentities.value, normaliseIdentity(kind, value))));
    if (!row) throw new AppError("USER_NOT_FOUND", `no user has ${kind} ${value}`);
    return toPublicUser(row.user);
  });
}

