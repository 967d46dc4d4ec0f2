import type { ZodType } from "zod";

/**
 * The one shape every chat provider answers in: a structured value checked against a zod
 * schema, plus what it cost. Callers never see provider SDK types or errors.
 */

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ChatRequest<T> {
  /** Instructions; build it with prompt-safety's systemPrompt() so ticket text stays data. */
  system: string;
  messages: ChatMessage[];
  /** The answer must match this; it also becomes the provider's JSON schema (structured outputs). */
  schema: ZodType<T>;
  /** Names the schema for the provider: letters, digits, _ and - (OpenAI's rule). */
  schemaName: string;
  temperature?: number;
  maxTokens?: number;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResult<T> {
  value: T;
  usage: ChatUsage;
  latencyMs: number;
}

export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  complete<T>(request: ChatRequest<T>): Promise<ChatResult<T>>;
}

export type LlmFailureReason =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "connection"
  | "malformed"
  | "unauthorized"
  | "invalid_request"
  | "refused"
  | "quota_exceeded";

export interface LlmErrorDetails {
  reason: LlmFailureReason;
  /** HTTP status from the provider, when there was a response. */
  status?: number;
  /** The model's raw text when it answered but the answer was unusable (kept for ai_runs). */
  rawOutput?: string;
  /** Tokens spent even though the call failed (a malformed answer still costs money). */
  usage?: ChatUsage;
  cause?: unknown;
}

abstract class LlmError extends Error {
  readonly reason: LlmFailureReason;
  readonly status?: number;
  readonly rawOutput?: string;
  readonly usage?: ChatUsage;

  constructor(message: string, details: LlmErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = details.reason;
    this.status = details.status;
    this.rawOutput = details.rawOutput;
    this.usage = details.usage;
  }
}

/**
 * Worth another attempt: timeouts, 429, 5xx, connection failures and unusable answers.
 * Providers never retry by themselves — the job system does, so every attempt is visible
 * (one ai_runs row each) and the number of attempts is bounded in one place.
 */
export class LlmRetryableError extends LlmError {
  override readonly name = "LlmRetryableError";
}

/** Will fail the same way every time (bad key, bad request, refusal): flag for a human now. */
export class LlmPermanentError extends LlmError {
  override readonly name = "LlmPermanentError";
}

export type AnyLlmError = LlmRetryableError | LlmPermanentError;

export function isLlmError(err: unknown): err is AnyLlmError {
  return err instanceof LlmRetryableError || err instanceof LlmPermanentError;
}

export function isRetryableLlmError(err: unknown): err is LlmRetryableError {
  return err instanceof LlmRetryableError;
}
