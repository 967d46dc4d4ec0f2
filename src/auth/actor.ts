import type { Role } from "../../db/schema/enums.js";

/**
 * Who is acting. Requests act as a signed-in user or anonymously; workers, the seed and
 * authentication itself act as the system.
 */
export type Actor =
  | { kind: "user"; id: string; role: Role; email: string; fullName: string; sessionId?: string }
  | { kind: "anonymous" }
  | { kind: "system" };

export type UserActor = Extract<Actor, { kind: "user" }>;

export const SYSTEM: Actor = { kind: "system" };
export const ANONYMOUS: Actor = { kind: "anonymous" };

/** The role the database's row-level security sees for this actor. */
export function dbRole(actor: Actor): Role | "anonymous" | "system" {
  return actor.kind === "user" ? actor.role : actor.kind;
}

export const isStaff = (actor: Actor): boolean =>
  actor.kind === "system" || (actor.kind === "user" && (actor.role === "agent" || actor.role === "admin"));
export const isAdmin = (actor: Actor): boolean => actor.kind === "system" || (actor.kind === "user" && actor.role === "admin");
export const isCustomer = (actor: Actor): actor is UserActor => actor.kind === "user" && actor.role === "customer";
export const actorId = (actor: Actor): string | null => (actor.kind === "user" ? actor.id : null);
