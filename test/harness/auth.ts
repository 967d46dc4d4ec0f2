import { issueSession } from "../../src/services/accounts/sessions.js";
import type { TestContext } from "./app.js";
import { createUser } from "./factories.js";
import type { Role } from "../../db/schema/enums.js";

/** A session token for an existing user, without going through the sign-in rate limiter. */
export async function tokenFor(ctx: Pick<TestContext, "database">, userId: string): Promise<string> {
  const session = await issueSession(ctx.database.db, userId, 1);
  return session.token;
}

/** A new user of `role` plus a token for them. */
export async function signedInUser(ctx: Pick<TestContext, "database">, role: Role, attrs: { email?: string; fullName?: string } = {}) {
  const user = await createUser(ctx.database.db, { role, ...attrs });
  return { user, token: await tokenFor(ctx, user.id) };
}
