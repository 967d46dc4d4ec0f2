import { and, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Database, Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { sessions, users } from "../../../db/schema/index.js";
import { SYSTEM, type UserActor } from "../../auth/actor.js";
import { hashToken, newSessionToken } from "../../auth/tokens.js";
import { sessionCacheFor } from "./session-cache.js";

export interface IssuedSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

/** Writes a session row for `userId` and returns the only copy of its token. */
export async function issueSession(
  tx: Executor,
  userId: string,
  ttlHours: number,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<IssuedSession> {
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  const [row] = await tx
    .insert(sessions)
    .values({ userId, tokenHash: hashToken(token), expiresAt, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null })
    .returning({ id: sessions.id });
  return { token, sessionId: row!.id, expiresAt };
}

/**
 * The actor behind a bearer/cookie token, or null when the token is unknown, expired, revoked
 * or its user deactivated. Runs as the system: nobody is known yet. With `cacheSeconds` > 0 a
 * recent answer is reused (session-cache.ts says when that is exact).
 */
export async function resolveSession(db: Database, token: string, cacheSeconds = 0): Promise<UserActor | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const cache = cacheSeconds > 0 ? sessionCacheFor(db, cacheSeconds) : undefined;
  const cached = cache?.get(tokenHash);
  if (cached) return cached;
  const lookupStartedAt = performance.now();
  const found = await runAs(db, SYSTEM, async (tx) => {
    const [row] = await tx
      .select({
        sessionId: sessions.id,
        lastUsedAt: sessions.lastUsedAt,
        expiresAt: sessions.expiresAt,
        id: users.id,
        role: users.role,
        email: users.email,
        fullName: users.fullName,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, tokenHash),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, sql`clock_timestamp()`),
          eq(users.isActive, true),
        ),
      );
    if (!row) return null;
    // Touch at most once a minute: a write per request would serialise every API call.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await tx.update(sessions).set({ lastUsedAt: sql`clock_timestamp()` }).where(eq(sessions.id, row.sessionId));
      await tx.update(users).set({ lastSeenAt: sql`clock_timestamp()` }).where(eq(users.id, row.id));
    }
    const actor: UserActor = { kind: "user", id: row.id, role: row.role, email: row.email, fullName: row.fullName, sessionId: row.sessionId };
    return { actor, expiresAt: row.expiresAt };
  });
  if (!found) return null;
  // Never longer than a minute, so the once-a-minute last-used touch above still happens.
  cache?.set(tokenHash, found.actor, found.expiresAt, lookupStartedAt);
  return found.actor;
}

export async function revokeSession(tx: Executor, sessionId: string): Promise<void> {
  await tx.update(sessions).set({ revokedAt: sql`clock_timestamp()` }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends every session of a user, optionally keeping the one making the request. */
export async function revokeUserSessions(tx: Executor, userId: string, exceptSessionId?: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: sql`clock_timestamp()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined));
}

/** Housekeeping: sessions that can never be used again. */
export async function purgeDeadSessions(tx: Executor, olderThanDays = 30): Promise<void> {
  const cutoff = sql`clock_timestamp() - ${`${olderThanDays} days`}::interval`;
  await tx.delete(sessions).where(or(lt(sessions.expiresAt, cutoff), lt(sessions.revokedAt, cutoff)));
}
