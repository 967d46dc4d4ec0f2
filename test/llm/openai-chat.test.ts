import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { LlmPermanentError, LlmRetryableError, isRetryableLlmError, type ChatRequest } from "../../src/ai/llm/chat.js";
import { OpenAiChatModel, openAiChatModelFromConfig } from "../../src/ai/llm/openai-chat.js";
import { conversationBlocks, systemPrompt } from "../../src/ai/llm/prompt-safety.js";
import { loadConfig } from "../../src/config.js";
import { startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";

const triageSchema = z.object({
  priority: z.enum(["low", "medium", "high", "urgent"]),
  team: z.string(),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
});

const request: ChatRequest<z.infer<typeof triageSchema>> = {
  system: systemPrompt("Classify the ticket's priority and team."),
  messages: [{ role: "user", content: conversationBlocks("Card declined", [{ authorType: "customer", body: "My card was declined" }]) }],
  schema: triageSchema,
  schemaName: "triage",
  temperature: 0,
  maxTokens: 300,
};

const good = { priority: "high", team: "Billing", confidence: 0.82, reasons: ["payment failure"] };

let server: FakeOpenAi;
let model: OpenAiChatModel;
beforeAll(async () => {
  server = await startFakeOpenAi();
  model = new OpenAiChatModel({ apiKey: "sk-test", baseURL: server.url, model: "gpt-4o-mini", timeoutMs: 1_000 });
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  expect(server.pending()).toBe(0);
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("OpenAiChatModel structured outputs", () => {
  it("sends the zod schema as a strict json_schema and parses the answer into the zod type", async () => {
    server.enqueue({ json: good, usage: { promptTokens: 120, completionTokens: 30 } });
    const result = await model.complete(request);

    expect(result.value).toEqual(good);
    expect(result.usage).toEqual({ promptTokens: 120, completionTokens: 30 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeLessThan(1_000);

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.authorization).toBe("Bearer sk-test");
    expect(sent.body.model).toBe("gpt-4o-mini");
    expect(sent.body.temperature).toBe(0);
    expect(sent.body.max_tokens).toBe(300);
    expect(sent.body.messages[0]).toEqual({ role: "system", content: request.system });
    expect(sent.body.messages[1].content).toContain('<ticket_message author="customer" index="1">');
    expect(sent.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: {
        name: "triage",
        strict: true,
        schema: {
          type: "object",
          additionalProperties: false,
          required: ["priority", "team", "confidence", "reasons"],
          properties: { priority: { enum: ["low", "medium", "high", "urgent"] } },
        },
      },
    });
  });

  it("reads the settings from config", async () => {
    const config = loadConfig({ OPENAI_API_KEY: "sk-config", OPENAI_BASE_URL: server.url, OPENAI_CHAT_MODEL: "gpt-4.1-mini" });
    const fromConfig = openAiChatModelFromConfig(config);
    expect(fromConfig).toMatchObject({ provider: "openai", model: "gpt-4.1-mini" });
    server.enqueue({ json: good });
    await expect(fromConfig.complete(request)).resolves.toMatchObject({ value: good });
    expect(server.requests[0]!.authorization).toBe("Bearer sk-config");
    expect(server.requests[0]!.body.model).toBe("gpt-4.1-mini");
  });
});

describe("OpenAiChatModel failures", () => {
  it.each([429, 500, 503])("a %i is retryable, made once (no SDK retries), and the next call succeeds", async (status) => {
    server.enqueue({ status, message: `upstream said ${status}` });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(isRetryableLlmError(err)).toBe(true);
    expect(err).toMatchObject({ status, reason: status === 429 ? "rate_limited" : "server_error" });
    expect((err as Error).message).toContain(`upstream said ${status}`);
    expect(server.requests).toHaveLength(1);

    server.enqueue({ json: good });
    await expect(model.complete(request)).resolves.toMatchObject({ value: good });
    expect(server.requests).toHaveLength(2);
  });

  it("a 429 for an exhausted quota is permanent: waiting does not refill it", async () => {
    server.enqueue({ status: 429, type: "insufficient_quota", code: "insufficient_quota", message: "You exceeded your quota" });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmPermanentError);
    expect(err).toMatchObject({ reason: "quota_exceeded", status: 429 });
  });

  it("a reply slower than the client timeout is a retryable timeout", async () => {
    const fast = new OpenAiChatModel({ apiKey: "sk-test", baseURL: server.url, model: "gpt-4o-mini", timeoutMs: 150 });
    server.enqueue({ delayMs: 1_000, then: { json: good } });
    const started = Date.now();
    const err = await failure(fast.complete(request));
    expect(Date.now() - started).toBeLessThan(900);
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(err).toMatchObject({ reason: "timeout" });
    expect(server.requests).toHaveLength(1);
  });

  it("a refused connection is retryable", async () => {
    const probe = await startFakeOpenAi();
    const deadUrl = probe.url;
    await probe.close();
    const offline = new OpenAiChatModel({ apiKey: "sk-test", baseURL: deadUrl, model: "gpt-4o-mini", timeoutMs: 1_000 });
    const err = await failure(offline.complete(request));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(err).toMatchObject({ reason: "connection" });
  });

  it.each([
    [401, "unauthorized"],
    [403, "unauthorized"],
    [400, "invalid_request"],
  ])("a %i is permanent (%s)", async (status, reason) => {
    server.enqueue({ status, message: "nope" });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmPermanentError);
    expect(isRetryableLlmError(err)).toBe(false);
    expect(err).toMatchObject({ status, reason });
  });

  it("an answer that is not JSON is a retryable malformed answer carrying the raw text and the tokens spent", async () => {
    server.enqueue({ content: "Sure! The priority is high.", usage: { promptTokens: 90, completionTokens: 8 } });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(err).toMatchObject({
      reason: "malformed",
      rawOutput: "Sure! The priority is high.",
      usage: { promptTokens: 90, completionTokens: 8 },
    });
    expect((err as Error).message).toMatch(/^malformed model answer: not JSON/);
  });

  it("JSON that fails the zod schema is a retryable malformed answer naming the bad field", async () => {
    const wrong = { ...good, priority: "critical", confidence: 7 };
    server.enqueue({ json: wrong });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(err).toMatchObject({ reason: "malformed", rawOutput: JSON.stringify(wrong) });
    expect((err as Error).message).toMatch(/^malformed model answer: does not match the schema/);
    expect((err as Error).message).toContain("priority");
    expect((err as Error).message).toContain("confidence");

    // The retry (a second attempt) gets a good answer.
    server.enqueue({ json: good });
    await expect(model.complete(request)).resolves.toMatchObject({ value: good });
  });

  it("an answer cut off at the token limit is malformed; an empty one too", async () => {
    server.enqueue({ content: '{"priority":"hi', finishReason: "length" }, { content: "" });
    await expect(model.complete(request)).rejects.toMatchObject({ name: "LlmRetryableError", reason: "malformed", rawOutput: '{"priority":"hi' });
    await expect(model.complete(request)).rejects.toMatchObject({ name: "LlmRetryableError", reason: "malformed" });
  });

  it("a refusal is permanent: a human takes it", async () => {
    server.enqueue({ refusal: "I can't help with that." });
    const err = await failure(model.complete(request));
    expect(err).toBeInstanceOf(LlmPermanentError);
    expect(err).toMatchObject({ reason: "refused", rawOutput: "I can't help with that." });
  });

  it("a schema the API cannot take (optional without nullable) is permanent and sends nothing", async () => {
    const bad = z.object({ note: z.string().optional() });
    const err = await failure(model.complete({ ...request, schema: bad, schemaName: "bad" }));
    expect(err).toBeInstanceOf(LlmPermanentError);
    expect(err).toMatchObject({ reason: "invalid_request" });
    expect(server.requests).toHaveLength(0);
  });
});
