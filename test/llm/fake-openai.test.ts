import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "../../db/schema/columns.js";
import { fakeEmbedding, startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";

// The test server itself, driven by the real SDK: the other AI tests lean on it.
let server: FakeOpenAi;
let client: OpenAI;
beforeAll(async () => {
  server = await startFakeOpenAi();
  client = new OpenAI({ apiKey: "sk-test", baseURL: server.url, maxRetries: 0, timeout: 1_000 });
});
afterAll(() => server?.close());

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe("fake-openai embeddings", () => {
  it("answers deterministic unit vectors through the SDK's default base64 encoding", async () => {
    const res = await client.embeddings.create({ model: "text-embedding-3-small", input: ["reset my password", "refund policy"] });
    expect(server.requests.at(-1)!.body.encoding_format).toBe("base64");
    expect(res.data).toHaveLength(2);
    const [a, b] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    // float32 round trip of the same deterministic vector
    fakeEmbedding("reset my password").forEach((x, i) => expect(a![i]).toBeCloseTo(x, 6));
    expect(cosine(a!, b!)).toBeLessThan(0.5);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("honours dimensions and float encoding; shared words mean similar vectors", async () => {
    const res = await client.embeddings.create({
      model: "m",
      input: ["how do I reset my password", "password reset link"],
      dimensions: 64,
      encoding_format: "float",
    });
    const [a, b] = res.data.map((d) => d.embedding);
    expect(a).toHaveLength(64);
    expect(cosine(a!, b!)).toBeGreaterThan(0.3);
  });

  it("scripts embedding errors without touching the chat queue", async () => {
    server.enqueue({ json: { ok: true } }, { status: 500, endpoint: "embeddings" });
    await expect(client.embeddings.create({ model: "m", input: "x" })).rejects.toMatchObject({ status: 500 });
    expect(server.pending()).toBe(1);
    const chat = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(chat.choices[0]!.message.content).toBe('{"ok":true}');
    expect(server.pending()).toBe(0);
  });

  it("answers 400 to an unscripted chat call and records what was sent", async () => {
    await expect(client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "secret-marker" }] })).rejects.toMatchObject({
      status: 400,
    });
    expect(server.promptText()).toContain("secret-marker");
  });
});
