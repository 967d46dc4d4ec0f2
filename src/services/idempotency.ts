import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Transaction } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import { idempotencyKeys } from "../../db/schema/index.js";
import { actorId } from "../auth/actor.js";
import { AppError, invalidField } from "../errors.js";
import type { ServiceContext } from "./context.js";

export interface IdempotencyRequest {
  /** The client's Idempotency-Key header value. */
  key: string;
  /** Who and which operation, e.g. `${userId}:POST /tickets`: keys never collide across users. */
  scope: string;
  /** Hash of the validated request (see `hashRequest`). */
  requestHash: string;
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_MAX = 200;

/** Stable sha256 of a JSON-like value (object keys sorted), so equal requests hash equal. */
export function hashRequest(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash("sha256").update(JSON.stringify(canonical(value)) ?? "null").digest("hex");
}

/**
 * Runs `run` in one transaction as the actor, honouring an Idempotency-Key: the key row is
 * inserted FIRST in that transaction, so a second identical request waits on the primary key
 * (scope, key) until the first commits, then replays its stored response instead of creating
 * again. The response is stored in the same transaction as the change; a failed request stores
 * nothing, so the client may retry with the same key.
 */
export async function withIdempotency<T>(
  ctx: ServiceContext,
  request: IdempotencyRequest | undefined,
  run: (tx: Transaction) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (request && (request.key.length < 1 || request.key.length > IDEMPOTENCY_KEY_MAX)) {
    throw invalidField("headers.idempotency-key", `must be 1–${IDEMPOTENCY_KEY_MAX} characters`);
  }
  return runAs(ctx.db, ctx.actor, async (tx) => {
    if (request) {
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({
          userId: actorId(ctx.actor),
          scope: request.scope,
          key: request.key,
          requestHash: request.requestHash,
          // Placeholder until `run` finishes; never visible to others before commit.
          status: 0,
          body: {},
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) {
        const [stored] = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.scope, request.scope), eq(idempotencyKeys.key, request.key)));
        if (!stored) throw new AppError("CONFLICT", "Idempotency-Key is being used by a request that has not finished");
        if (stored.requestHash !== request.requestHash) throw new AppError("IDEMPOTENCY_KEY_REUSED");
        return { status: stored.status, body: stored.body as T, replayed: true };
      }
    }
    const result = await run(tx);
    if (request) {
      await tx
        .update(idempotencyKeys)
        .set({ status: result.status, body: result.body })
        .where(and(eq(idempotencyKeys.scope, request.scope), eq(idempotencyKeys.key, request.key)));
    }
    return { ...result, replayed: false };
  });
}
