import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppDeps } from "../deps.js";
import { AppError } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import { resolveSession } from "../services/accounts/sessions.js";
import { serviceContext } from "../services/context.js";
import { ANONYMOUS, isAdmin, isStaff, type Actor, type UserActor } from "./actor.js";

export const SESSION_COOKIE = "autocrm_session";

function tokenFrom(c: Context<AppEnv>): string | undefined {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError("UNAUTHENTICATED", "Authorization header must be `Bearer <token>`");
    return match[1];
  }
  return getCookie(c, SESSION_COOKIE);
}

/**
 * Resolves the caller (Bearer header or session cookie) and builds the request's service
 * context. No credentials = anonymous; credentials that do not resolve = 401, so a client
 * with a stale token learns to sign in again instead of silently seeing less.
 */
export function authenticate(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = tokenFrom(c);
    let actor: Actor = ANONYMOUS;
    if (token) {
      const user = await resolveSession(deps.database.db, token, deps.config.sessionCacheSeconds);
      if (!user) throw new AppError("UNAUTHENTICATED", "session is invalid, expired or revoked");
      actor = user;
    }
    c.set("actor", actor);
    c.set("ctx", serviceContext(deps, actor, c.get("logger")));
    await next();
  };
}

export function requireUser(c: Context<AppEnv>): UserActor {
  const actor = c.get("actor");
  if (actor.kind !== "user") throw new AppError("UNAUTHENTICATED");
  return actor;
}

export function requireStaff(c: Context<AppEnv>): UserActor {
  const actor = requireUser(c);
  if (!isStaff(actor)) throw new AppError("FORBIDDEN", "only agents and admins may do this");
  return actor;
}

export function requireAdmin(c: Context<AppEnv>): UserActor {
  const actor = requireUser(c);
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "only admins may do this");
  return actor;
}

/** The peer address (no proxy headers are trusted), or null under app.request() in tests. */
export function clientIp(c: Context<AppEnv>): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
