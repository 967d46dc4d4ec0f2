import { slaPolicies, type users } from "../../db/schema/index.js";
import type { Actor } from "../../src/auth/actor.js";
import { serviceContext, type ServiceContext } from "../../src/services/context.js";
import type { TestContext, TestResponse } from "../harness/app.js";

type UserRow = typeof users.$inferSelect;

export const actorOf = (u: UserRow): Actor => ({ kind: "user", id: u.id, role: u.role, email: u.email, fullName: u.fullName });

/** A service context acting as `user`, for calling verbs directly (faster than HTTP in loops). */
export const serviceContextAs = (ctx: TestContext, user: UserRow): ServiceContext => serviceContext(ctx, actorOf(user));

/** The field names a 400 problem lists (`body.x`, `params.x`, `query.x`). */
export function badFields(res: TestResponse): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}

/** The demo targets (minutes): urgent 30/240, high 120/1440, medium 480/4320, low 1440/10080. */
export const POLICIES = {
  urgent: { firstResponseMinutes: 30, resolutionMinutes: 240 },
  high: { firstResponseMinutes: 120, resolutionMinutes: 1440 },
  medium: { firstResponseMinutes: 480, resolutionMinutes: 4320 },
  low: { firstResponseMinutes: 1440, resolutionMinutes: 10080 },
} as const;

export async function seedSlaPolicies(ctx: TestContext): Promise<void> {
  await ctx.database.db
    .insert(slaPolicies)
    .values(Object.entries(POLICIES).map(([priority, p]) => ({ priority: priority as keyof typeof POLICIES, ...p })))
    .onConflictDoNothing();
}

export const MINUTE = 60_000;
