import { eq } from "drizzle-orm";
import { runAs } from "../../../db/scoped.js";
import { userIdentities, users } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import { hashPassword, verifyPassword } from "../../auth/passwords.js";
import type { RateLimiter } from "../../auth/rate-limit.js";
import { AppError } from "../../errors.js";
import type { ServiceContext } from "../context.js";
import { forgetCachedSessions } from "./session-cache.js";
import { issueSession, revokeSession, type IssuedSession } from "./sessions.js";
import { mapUserConflict, normaliseEmail, toPublicUser, type PublicUser } from "./users.js";

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  user: PublicUser;
  session: IssuedSession;
}

/** Customer self-service sign-up: account, email identity and a first session in one transaction. */
export async function signUp(
  ctx: ServiceContext,
  input: { email: string; password: string; fullName: string; preferredLanguage?: string },
  client: ClientInfo,
): Promise<SignedIn> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  try {
    // As the system: the caller is anonymous until this commits.
    return await runAs(ctx.db, SYSTEM, async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email, fullName: input.fullName, role: "customer", passwordHash, preferredLanguage: input.preferredLanguage ?? null })
        .returning();
      await tx.insert(userIdentities).values({ userId: user!.id, kind: "email", value: email });
      const session = await issueSession(tx, user!.id, ctx.config.SESSION_TTL_HOURS, client);
      return { user: toPublicUser(user!), session };
    });
  } catch (err) {
    mapUserConflict(err);
  }
}

// Verifying against a real hash when the email is unknown keeps the response time the same,
// so timing does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;

export interface SignInLimiters {
  perAccount: RateLimiter;
  perIp: RateLimiter;
}

export async function signIn(
  ctx: ServiceContext,
  input: { email: string; password: string },
  client: ClientInfo,
  limiters: SignInLimiters,
): Promise<SignedIn> {
  const email = normaliseEmail(input.email);
  const wait = Math.max(limiters.perIp.hit(`ip:${client.ip ?? "unknown"}`), limiters.perAccount.hit(`account:${email}`));
  if (wait > 0) {
    throw new AppError("RATE_LIMITED", `too many sign-in attempts; try again in ${wait} s`, undefined, { "retry-after": String(wait) });
  }
  const [user] = await runAs(ctx.db, SYSTEM, (tx) => tx.select().from(users).where(eq(users.email, email)));
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await (dummyHash ??= hashPassword("not-a-real-password")), input.password), false);
  // A deactivated account looks exactly like a wrong password.
  if (!user || !ok || !user.isActive) throw new AppError("INVALID_CREDENTIALS");
  limiters.perAccount.reset(`account:${email}`);
  const session = await runAs(ctx.db, SYSTEM, (tx) => issueSession(tx, user.id, ctx.config.SESSION_TTL_HOURS, client));
  return { user: toPublicUser(user), session };
}

export async function signOut(ctx: ServiceContext): Promise<void> {
  if (ctx.actor.kind !== "user" || !ctx.actor.sessionId) throw new AppError("UNAUTHENTICATED");
  const sessionId = ctx.actor.sessionId;
  await runAs(ctx.db, ctx.actor, (tx) => revokeSession(tx, sessionId));
  forgetCachedSessions(ctx.db, ctx.actor.id);
}
