import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EMBEDDING_DIMENSIONS } from "../../db/schema/columns.js";

/**
 * An OpenAI-compatible server on loopback, so tests run the real `openai` client (HTTP,
 * errors, parsing) without the paid remote API. Scripted per test: queue replies with
 * enqueue(); every request body is recorded for assertions (e.g. no internal note in a prompt).
 * Unscripted chat calls answer 400 "no reply queued", which surfaces as a permanent error
 * instead of a confusing retry loop. Unscripted embedding calls get deterministic vectors.
 */

export type FakeReply = FakeReplyBody & { schema?: string };
type FakeReplyBody =
  /** Assistant content = JSON.stringify(json): a well-formed structured output. */
  | { json: unknown; usage?: FakeUsage; endpoint?: "chat" }
  /** Assistant content verbatim: use for malformed answers ("not json", wrong shape). */
  | { content: string; finishReason?: "stop" | "length" | "content_filter"; usage?: FakeUsage; endpoint?: "chat" }
  | { refusal: string; endpoint?: "chat" }
  /** An OpenAI-style error body with this HTTP status (429, 500, 401…). */
  | { status: number; message?: string; type?: string; code?: string; headers?: Record<string, string>; endpoint?: FakeEndpoint }
  /** Wait before answering (longer than the client timeout = a timeout), then answer `then`. */
  | { delayMs: number; then?: FakeReply; endpoint?: FakeEndpoint }
  /** Embeddings for these inputs, in order, instead of the deterministic default. */
  | { embeddings: number[][]; endpoint: "embeddings" };

export type FakeEndpoint = "chat" | "embeddings";
export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface RecordedRequest {
  endpoint: FakeEndpoint | "other";
  method: string;
  path: string;
  authorization: string | undefined;
  body: any;
}

export interface FakeOpenAi {
  /** Base URL for the client, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  enqueue(...replies: FakeReply[]): void;
  /** Replies still queued (a test can assert all were used). */
  pending(): number;
  /** Drops the replies still queued, so a failed test leaves none for the next. */
  discardPending(): void;
  /** Everything sent to the model in chat requests, concatenated (for "never in the prompt" checks). */
  promptText(): string;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  /** Dimensions of default embeddings when the request names none. */
  dimensions?: number;
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const defaultDimensions = options.dimensions ?? EMBEDDING_DIMENSIONS;

  // A reply may name the structured-output schema it answers (`schema`): then it only goes to a
  // request for that schema, so tests with concurrent jobs (triage and draft) stay deterministic.
  const takeReply = (endpoint: FakeEndpoint, body?: any): FakeReply | undefined => {
    const schema: string | undefined = body?.response_format?.json_schema?.name;
    const index = queue.findIndex((r) => (r.endpoint ?? "chat") === endpoint && (r.schema === undefined || r.schema === schema));
    return index === -1 ? undefined : queue.splice(index, 1)[0];
  };

  const answer = (res: ServerResponse, endpoint: FakeEndpoint, body: any, reply: FakeReply | undefined): void => {
    if (res.destroyed) return;
    if (reply && "delayMs" in reply) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res, endpoint, body, reply.then);
      }, reply.delayMs);
      timers.add(timer);
      return;
    }
    if (reply && "status" in reply) {
      const type = reply.type ?? (reply.status === 429 ? "requests" : reply.status >= 500 ? "server_error" : "invalid_request_error");
      const error = { message: reply.message ?? `fake error ${reply.status}`, type, param: null, code: reply.code ?? null };
      return send(res, reply.status, { error }, reply.headers);
    }
    if (endpoint === "embeddings") return send(res, 200, embeddingResponse(body, reply, defaultDimensions));
    if (!reply) {
      const error = { message: "fake-openai: no reply queued for this chat request", type: "invalid_request_error", param: null, code: null };
      return send(res, 400, { error });
    }
    return send(res, 200, chatResponse(body, reply));
  };

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    let body: any = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const path = (req.url ?? "").split("?")[0]!;
    const endpoint = path.endsWith("/chat/completions") ? "chat" : path.endsWith("/embeddings") ? "embeddings" : "other";
    requests.push({ endpoint, method: req.method ?? "", path, authorization: req.headers.authorization, body });
    if (req.method !== "POST" || endpoint === "other") {
      return send(res, 404, { error: { message: `fake-openai: no route ${req.method} ${path}`, type: "invalid_request_error" } });
    }
    answer(res, endpoint, body, takeReply(endpoint, body));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    discardPending: () => void queue.splice(0),
    promptText: () =>
      requests
        .filter((r) => r.endpoint === "chat")
        .flatMap((r) => (r.body?.messages ?? []).map((m: { content?: unknown }) => String(m.content ?? "")))
        .join("\n"),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function chatResponse(body: any, reply: FakeReply): object {
  let content: string | null = null;
  let refusal: string | null = null;
  let finishReason = "stop";
  let usage: FakeUsage | undefined;
  if ("json" in reply) {
    content = JSON.stringify(reply.json);
    usage = reply.usage;
  } else if ("content" in reply) {
    content = reply.content;
    finishReason = reply.finishReason ?? "stop";
    usage = reply.usage;
  } else if ("refusal" in reply) {
    refusal = reply.refusal;
  }
  const promptChars = JSON.stringify(body?.messages ?? []).length;
  const promptTokens = usage?.promptTokens ?? Math.ceil(promptChars / 4);
  const completionTokens = usage?.completionTokens ?? Math.ceil((content ?? refusal ?? "").length / 4);
  return {
    id: `chatcmpl-fake-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body?.model ?? "fake",
    choices: [{ index: 0, message: { role: "assistant", content, refusal }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function embeddingResponse(body: any, reply: FakeReply | undefined, defaultDimensions: number): object {
  const inputs: string[] = Array.isArray(body?.input) ? body.input.map(String) : [String(body?.input ?? "")];
  const dimensions: number = body?.dimensions ?? defaultDimensions;
  const vectors = reply && "embeddings" in reply ? reply.embeddings : inputs.map((text) => fakeEmbedding(text, dimensions));
  // The SDK asks for base64 (little-endian float32) unless the caller chose a format.
  const encode = (v: number[]) => (body?.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v);
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    object: "list",
    model: body?.model ?? "fake",
    data: vectors.map((v, index) => ({ object: "embedding", index, embedding: encode(v) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/**
 * Deterministic, unit-length bag-of-words vector: texts sharing words point the same way,
 * so retrieval tests against this server still rank sensibly.
 */
export function fakeEmbedding(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const digest = createHash("sha256").update(word).digest();
    const index = digest.readUInt32BE(0) % dimensions;
    vector[index]! += digest[4]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((x) => x / norm);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_fake_${Date.now()}`, ...headers });
  res.end(JSON.stringify(body));
}

/** Short alias: `const llm = await start()`. */
export { startFakeOpenAi as start };
