import type { Database } from "../../../db/client.js";
import type { UserActor } from "../../auth/actor.js";

/**
 * A short-lived, in-process memory of resolved sessions (token hash → actor), so most requests
 * skip the session lookup — on embedded PGlite that lookup is a quarter of a list request.
 *
 * It is exact only while every change to sessions and users goes through this process, which is
 * true in embedded mode (one process owns the database). Several API processes on one Postgres
 * would each keep their own copy, so a revocation elsewhere would take up to the TTL to be seen:
 * that is why the TTL defaults to 0 (off) in server mode (config SESSION_CACHE_SECONDS).
 *
 * Invalidation is by user and happens after the change commits. A lookup that started before a
 * user's latest invalidation is never stored, so a read racing with a revocation cannot put the
 * old actor back.
 */
interface Entry {
  actor: UserActor;
  storedAt: number;
  sessionExpiresAt: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly invalidatedAt = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  get(tokenHash: string, now = performance.now(), wallNow = Date.now()): UserActor | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    const stale = now - entry.storedAt > this.ttlMs || wallNow >= entry.sessionExpiresAt || (this.invalidatedAt.get(entry.actor.id) ?? -1) >= entry.storedAt;
    if (stale) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  /** `lookupStartedAt` is performance.now() taken before the database was read. */
  set(tokenHash: string, actor: UserActor, sessionExpiresAt: Date, lookupStartedAt: number): void {
    if (this.ttlMs <= 0) return;
    if ((this.invalidatedAt.get(actor.id) ?? -1) >= lookupStartedAt) return;
    // Bounded: an idle process drops everything past its TTL on the next sweep.
    if (this.entries.size >= 10_000) this.sweep();
    this.entries.set(tokenHash, { actor, storedAt: lookupStartedAt, sessionExpiresAt: sessionExpiresAt.getTime() });
  }

  forgetUser(userId: string): void {
    this.invalidatedAt.set(userId, performance.now());
    for (const [hash, entry] of this.entries) if (entry.actor.id === userId) this.entries.delete(hash);
  }

  private sweep(): void {
    const now = performance.now();
    for (const [hash, entry] of this.entries) if (now - entry.storedAt > this.ttlMs) this.entries.delete(hash);
    if (this.entries.size >= 10_000) this.entries.clear();
    for (const [userId, at] of this.invalidatedAt) if (now - at > this.ttlMs) this.invalidatedAt.delete(userId);
  }
}

// One cache per database handle: tests open many databases in one process, and a token hash
// from one must never answer for another.
const caches = new WeakMap<Database, SessionCache>();

export function sessionCacheFor(db: Database, ttlSeconds: number): SessionCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new SessionCache(ttlSeconds * 1000)));
  return cache;
}

/** Call after a change to a user's sessions, role, name or active flag has committed. */
export function forgetCachedSessions(db: Database, userId: string): void {
  caches.get(db)?.forgetUser(userId);
}
