import type { Database } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import { aiRuns } from "../../db/schema/ai.js";
import { SYSTEM } from "../auth/actor.js";
import { isLlmError, type ChatUsage } from "./llm/chat.js";

/** USD per 1M tokens. Unknown models (self-hosted, new names) are logged at cost 0. */
export const MODEL_PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
};

/** The local provider runs on our own CPU: it costs nothing per call. */
export function estimateCostUsd(provider: string, model: string, usage: ChatUsage): number {
  if (provider === "local") return 0;
  // Dated snapshots ("gpt-4o-mini-2024-07-18") cost what their family costs.
  const price = MODEL_PRICES[model] ?? MODEL_PRICES[model.replace(/-\d{4}-\d{2}-\d{2}$/, "")];
  if (!price) return 0;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

export interface AiRunRecord {
  kind: string;
  ticketId?: string | null;
  provider: string;
  model: string;
  input?: unknown;
  output?: unknown;
  confidence?: number | null;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  error?: string | null;
}

const MAX_ERROR_CHARS = 2_000;

/**
 * Writes one ai_runs row as the system (the table is staff-only under RLS; workers have no
 * user). Its own transaction on purpose: a failed attempt is logged even when the caller's
 * work rolls back. Returns the run id (drafts and feedback point at it).
 */
export async function recordAiRun(db: Database, run: AiRunRecord): Promise<string> {
  const usage = { promptTokens: run.promptTokens, completionTokens: run.completionTokens };
  const [row] = await runAs(db, SYSTEM, (tx) =>
    tx
      .insert(aiRuns)
      .values({
        kind: run.kind,
        ticketId: run.ticketId ?? null,
        provider: run.provider,
        model: run.model,
        input: run.input ?? null,
        output: run.output ?? null,
        confidence: run.confidence ?? null,
        latencyMs: Math.max(0, Math.round(run.latencyMs)),
        promptTokens: run.promptTokens,
        completionTokens: run.completionTokens,
        costUsd: estimateCostUsd(run.provider, run.model, usage),
        error: run.error == null ? null : run.error.slice(0, MAX_ERROR_CHARS),
      })
      .returning({ id: aiRuns.id }),
  );
  return row!.id;
}

export interface AiRunMeta {
  kind: string;
  ticketId?: string | null;
  provider: string;
  model: string;
  /** What was asked (ids, prompt summary); stored as jsonb for the admin's log. */
  input?: unknown;
}

/** What `fn` hands back: a ChatResult fits as is (its value is logged as the output). */
export interface AiRunOutcome<T> {
  value: T;
  usage?: ChatUsage;
  /** Logged instead of `value` when given (e.g. a trimmed view of a long answer). */
  output?: unknown;
  confidence?: number | null;
}

export interface AiRunResult<T> {
  value: T;
  runId: string;
  latencyMs: number;
}

const MAX_RAW_OUTPUT_CHARS = 20_000;

/**
 * Times `fn`, records the run (success or failure), and rethrows failures unchanged so the
 * job system can decide to retry. A failed call logs the error, the tokens it still spent
 * and, for an unusable answer, the model's raw text.
 */
export async function withAiRun<T>(db: Database, meta: AiRunMeta, fn: () => Promise<AiRunOutcome<T>>): Promise<AiRunResult<T>> {
  const started = performance.now();
  let outcome: AiRunOutcome<T>;
  try {
    outcome = await fn();
  } catch (err) {
    const latencyMs = performance.now() - started;
    const llm = isLlmError(err) ? err : undefined;
    try {
      await recordAiRun(db, {
        ...meta,
        output: llm?.rawOutput === undefined ? null : { raw: llm.rawOutput.slice(0, MAX_RAW_OUTPUT_CHARS) },
        latencyMs,
        promptTokens: llm?.usage?.promptTokens ?? 0,
        completionTokens: llm?.usage?.completionTokens ?? 0,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    } catch {
      // The call's own error matters more (it decides retry vs flag); a log write that
      // fails here fails again on the next write and surfaces there.
    }
    throw err;
  }
  const latencyMs = performance.now() - started;
  const runId = await recordAiRun(db, {
    ...meta,
    output: outcome.output === undefined ? outcome.value : outcome.output,
    confidence: outcome.confidence ?? null,
    latencyMs,
    promptTokens: outcome.usage?.promptTokens ?? 0,
    completionTokens: outcome.usage?.completionTokens ?? 0,
  });
  return { value: outcome.value, runId, latencyMs: Math.round(latencyMs) };
}
