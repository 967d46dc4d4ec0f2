import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "../../db/client.js";
import { aiRuns } from "../../db/schema/ai.js";
import { LlmRetryableError } from "../../src/ai/llm/chat.js";
import { OpenAiChatModel } from "../../src/ai/llm/openai-chat.js";
import { estimateCostUsd, recordAiRun, withAiRun } from "../../src/ai/runs.js";
import { createTestDatabase } from "../harness/database.js";
import { createTicket, createUser } from "../harness/factories.js";
import { startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";

let database: DatabaseHandle;
let server: FakeOpenAi;
beforeAll(async () => {
  database = await createTestDatabase();
  server = await startFakeOpenAi();
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const runRow = async (id: string) => {
  const [row] = await database.db.select().from(aiRuns).where(eq(aiRuns.id, id));
  return row!;
};

describe("estimateCostUsd", () => {
  it("prices per 1M tokens, dated snapshots like their family, unknown and local models at 0", () => {
    expect(estimateCostUsd("openai", "gpt-4o-mini", { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(0.75, 10);
    expect(estimateCostUsd("openai", "gpt-4o", { promptTokens: 2_000, completionTokens: 500 })).toBeCloseTo(0.01, 10);
    expect(estimateCostUsd("openai", "gpt-4o-2024-08-06", { promptTokens: 2_000, completionTokens: 500 })).toBeCloseTo(0.01, 10);
    expect(estimateCostUsd("openai", "gpt-4.1-mini", { promptTokens: 1_000, completionTokens: 1_000 })).toBeCloseTo(0.002, 10);
    expect(estimateCostUsd("openai", "text-embedding-3-small", { promptTokens: 500_000, completionTokens: 0 })).toBeCloseTo(0.01, 10);
    expect(estimateCostUsd("openai", "llama3.1:8b", { promptTokens: 1_000, completionTokens: 1_000 })).toBe(0);
    expect(estimateCostUsd("local", "gpt-4o", { promptTokens: 1_000, completionTokens: 1_000 })).toBe(0);
  });
});

describe("recordAiRun", () => {
  it("writes a row as the system, with the cost computed", async () => {
    const customer = await createUser(database.db, { role: "customer" });
    const ticket = await createTicket(database.db, { customerId: customer.id });
    const id = await recordAiRun(database.db, {
      kind: "triage",
      ticketId: ticket.id,
      provider: "openai",
      model: "gpt-4o-mini",
      input: { ticketId: ticket.id },
      output: { priority: "high" },
      confidence: 0.75,
      latencyMs: 123.6,
      promptTokens: 2_000,
      completionTokens: 100,
    });
    expect(await runRow(id)).toMatchObject({
      kind: "triage",
      ticketId: ticket.id,
      provider: "openai",
      model: "gpt-4o-mini",
      input: { ticketId: ticket.id },
      output: { priority: "high" },
      confidence: 0.75,
      latencyMs: 124,
      promptTokens: 2_000,
      completionTokens: 100,
      error: null,
    });
    expect((await runRow(id)).costUsd).toBeCloseTo((2_000 * 0.15 + 100 * 0.6) / 1_000_000, 12);
  });
});

describe("withAiRun around the openai provider", () => {
  const schema = z.object({ answer: z.string(), confidence: z.number() });
  const request = { system: "Answer.", messages: [{ role: "user" as const, content: "hi" }], schema, schemaName: "answer" };
  const meta = { kind: "draft", provider: "openai", model: "gpt-4o", input: { question: "hi" } };
  const model = () => new OpenAiChatModel({ apiKey: "sk-test", baseURL: server.url, model: "gpt-4o", timeoutMs: 1_000 });

  it("records a success with output, confidence, tokens, latency and cost, and returns the run id", async () => {
    server.enqueue({ json: { answer: "Hello", confidence: 0.9 }, usage: { promptTokens: 1_000, completionTokens: 200 } });
    const result = await withAiRun(database.db, meta, async () => {
      const r = await model().complete(request);
      return { ...r, confidence: r.value.confidence };
    });
    expect(result.value).toEqual({ answer: "Hello", confidence: 0.9 });
    const row = await runRow(result.runId);
    expect(row).toMatchObject({
      kind: "draft",
      provider: "openai",
      model: "gpt-4o",
      input: { question: "hi" },
      output: { answer: "Hello", confidence: 0.9 },
      promptTokens: 1_000,
      completionTokens: 200,
      error: null,
    });
    expect(row.confidence).toBeCloseTo(0.9, 5);
    expect(row.latencyMs).toBe(result.latencyMs);
    expect(row.costUsd).toBeCloseTo((1_000 * 2.5 + 200 * 10) / 1_000_000, 12);
  });

  it("records a malformed answer (raw text, tokens spent, error) and rethrows the same error", async () => {
    const before = await database.db.select().from(aiRuns).where(eq(aiRuns.kind, "draft"));
    server.enqueue({ content: "I think the answer is hello", usage: { promptTokens: 400, completionTokens: 10 } });
    const err = await withAiRun(database.db, meta, () => model().complete(request)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRetryableError);

    const after = await database.db.select().from(aiRuns).where(eq(aiRuns.kind, "draft"));
    expect(after).toHaveLength(before.length + 1);
    const row = after.find((r) => !before.some((b) => b.id === r.id))!;
    expect(row.error).toMatch(/^LlmRetryableError: malformed model answer: not JSON/);
    expect(row.output).toEqual({ raw: "I think the answer is hello" });
    expect(row).toMatchObject({ promptTokens: 400, completionTokens: 10, confidence: null });
    expect(row.costUsd).toBeCloseTo((400 * 2.5 + 10 * 10) / 1_000_000, 12);
  });

  it("records an HTTP failure with no tokens", async () => {
    server.enqueue({ status: 503, message: "overloaded" });
    await expect(withAiRun(database.db, { ...meta, kind: "draft-503" }, () => model().complete(request))).rejects.toMatchObject({
      name: "LlmRetryableError",
      status: 503,
    });
    const [row] = await database.db.select().from(aiRuns).where(eq(aiRuns.kind, "draft-503"));
    expect(row).toMatchObject({ promptTokens: 0, completionTokens: 0, costUsd: 0, output: null });
    expect(row!.error).toContain("overloaded");
  });

  it("local runs cost nothing", async () => {
    const result = await withAiRun(database.db, { kind: "triage", provider: "local", model: "nb-v1" }, async () => ({
      value: "medium",
      usage: { promptTokens: 10, completionTokens: 1 },
      confidence: 0.6,
    }));
    expect(await runRow(result.runId)).toMatchObject({ provider: "local", output: "medium", costUsd: 0 });
  });
});
