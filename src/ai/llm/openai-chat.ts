import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { z } from "zod";
import type { Config } from "../../config.js";
import {
  LlmPermanentError,
  LlmRetryableError,
  type ChatModel,
  type ChatRequest,
  type ChatResult,
  type ChatUsage,
} from "./chat.js";

export interface OpenAiChatOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp, the test server). */
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

/**
 * Chat through the `openai` SDK with structured outputs: the zod schema becomes a strict
 * JSON schema (zodResponseFormat, which supports zod 4), and the answer is checked
 * against the same schema here — an LLM's answer is untrusted input like any other.
 */
export class OpenAiChatModel implements ChatModel {
  readonly provider = "openai";
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiChatOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      // Retries belong to the job system (bounded, visible, one ai_runs row per attempt).
      maxRetries: 0,
    });
  }

  async complete<T>(request: ChatRequest<T>): Promise<ChatResult<T>> {
    const started = performance.now();
    let responseFormat: ReturnType<typeof zodResponseFormat>;
    try {
      responseFormat = zodResponseFormat(request.schema, request.schemaName);
    } catch (err) {
      // e.g. .optional() without .nullable(): a bug in the caller's schema, never fixed by retrying.
      throw new LlmPermanentError(`schema ${request.schemaName} cannot be a structured output: ${messageOf(err)}`, {
        reason: "invalid_request",
        cause: err,
      });
    }

    let completion: ChatCompletion;
    try {
      // create(), not parse(): parse() throws away the raw text when the answer is unusable,
      // and that text is what an admin needs in the log.
      completion = await this.client.chat.completions.create({
        model: this.model,
        messages: [{ role: "system", content: request.system }, ...request.messages],
        response_format: responseFormat,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        // max_tokens rather than max_completion_tokens: every OpenAI-compatible server knows it.
        ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      });
    } catch (err) {
      throw toLlmError(err);
    }

    const usage: ChatUsage = {
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
    };
    const value = readStructuredAnswer(completion, request.schema, usage);
    return { value, usage, latencyMs: Math.round(performance.now() - started) };
  }
}

export function openAiChatModelFromConfig(
  config: Pick<Config, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_CHAT_MODEL" | "OPENAI_TIMEOUT_MS">,
): OpenAiChatModel {
  if (!config.OPENAI_API_KEY) throw new Error("OPENAI_API_KEY is required for the openai provider");
  return new OpenAiChatModel({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_CHAT_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
}

function readStructuredAnswer<T>(completion: ChatCompletion, schema: z.ZodType<T>, usage: ChatUsage): T {
  const choice = completion.choices?.[0];
  const raw = choice?.message?.content ?? undefined;
  const malformed = (why: string, cause?: unknown) =>
    new LlmRetryableError(`malformed model answer: ${why}`, { reason: "malformed", rawOutput: raw, usage, cause });

  if (!choice) throw malformed("no choices in the response");
  if (choice.message.refusal) {
    throw new LlmPermanentError(`model refused: ${choice.message.refusal}`, {
      reason: "refused",
      rawOutput: choice.message.refusal,
      usage,
    });
  }
  if (choice.finish_reason === "content_filter") {
    throw new LlmPermanentError("model answer blocked by the content filter", { reason: "refused", rawOutput: raw, usage });
  }
  if (choice.finish_reason === "length") throw malformed("cut off at the token limit");
  if (!raw) throw malformed("empty content");

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw malformed(`not JSON (${messageOf(err)})`, err);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed(`does not match the schema: ${z.prettifyError(parsed.error)}`, parsed.error);
  return parsed.data;
}

/** SDK errors → retryable or permanent. Anything that is not an SDK error is a bug: rethrown as is. */
export function toLlmError(err: unknown): unknown {
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmRetryableError("LLM request timed out", { reason: "timeout", cause: err });
  }
  if (err instanceof OpenAI.APIUserAbortError) {
    return new LlmRetryableError("LLM request aborted", { reason: "timeout", cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new LlmRetryableError(`LLM connection failed: ${messageOf(err.cause ?? err)}`, { reason: "connection", cause: err });
  }
  if (!(err instanceof OpenAI.APIError)) return err;

  const status = err.status;
  const detail = `LLM request failed with ${status ?? "no status"}: ${err.message}`;
  // OpenAI answers 429 for an exhausted quota too; waiting will not refill it.
  if (status === 429 && (err.code === "insufficient_quota" || err.type === "insufficient_quota")) {
    return new LlmPermanentError(detail, { reason: "quota_exceeded", status, cause: err });
  }
  if (status === 429) return new LlmRetryableError(detail, { reason: "rate_limited", status, cause: err });
  // 408 request timeout and 409 lock conflicts are transient (the SDK itself retries them).
  if (status === undefined || status >= 500 || status === 408 || status === 409) {
    return new LlmRetryableError(detail, { reason: status === 408 ? "timeout" : "server_error", status, cause: err });
  }
  if (status === 401 || status === 403) {
    return new LlmPermanentError(detail, { reason: "unauthorized", status, cause: err });
  }
  return new LlmPermanentError(detail, { reason: "invalid_request", status, cause: err });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
