import { randomUUID } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import { outbox } from "../../db/schema/index.js";
import { InlineJobRunner } from "../../src/jobs/inline-runner.js";
import { claimOutboxRows, enqueueJob } from "../../src/jobs/outbox.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase } from "../harness/database.js";

const logger = createLogger({ LOG_LEVEL: "silent" });
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const row = async (id: string) => (await handle.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;

describe("outbox", () => {
  it("validates payloads against the catalog before writing", async () => {
    await expect(enqueueJob(handle.db, "ticket.triage", { ticketId: "not-a-uuid" })).rejects.toThrow();
  });

  it("is written inside the caller's transaction: a rollback leaves no job", async () => {
    const ticketId = randomUUID();
    await expect(
      handle.db.transaction(async (tx) => {
        await enqueueJob(tx, "ticket.triage", { ticketId });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    const rows = await handle.db.select().from(outbox);
    expect(rows.some((r) => (r.payload as { ticketId?: string }).ticketId === ticketId)).toBe(false);
  });

  it("a claimed row is leased: a second claim does not get it", async () => {
    const id = await enqueueJob(handle.db, "kb.embed", { articleId: randomUUID(), version: 1 });
    const first = await claimOutboxRows(handle.db, ["kb.embed"], 10);
    expect(first.map((r) => r.id)).toContain(id);
    const second = await claimOutboxRows(handle.db, ["kb.embed"], 10);
    expect(second.map((r) => r.id)).not.toContain(id);
  });
});

describe("InlineJobRunner", () => {
  it("runs a job once and marks it completed", async () => {
    const seen: string[] = [];
    const runner = new InlineJobRunner(handle.db, { "ticket.triage": async (p) => void seen.push(p.ticketId) }, logger);
    const ticketId = randomUUID();
    const id = await enqueueJob(handle.db, "ticket.triage", { ticketId });
    await runner.drain();
    await runner.drain();
    expect(seen.filter((t) => t === ticketId)).toHaveLength(1);
    expect((await row(id)).completedAt).not.toBeNull();
  });

  it("retries a failing job with backoff and gives up after the catalog's attempts", async () => {
    let calls = 0;
    const runner = new InlineJobRunner(handle.db, { "ticket.draft": async () => void (calls++, (() => { throw new Error("LLM 503"); })()) }, logger);
    const id = await enqueueJob(handle.db, "ticket.draft", { ticketId: randomUUID(), messageId: randomUUID() });
    await runner.drain();
    let r = await row(id);
    expect(calls).toBe(1);
    expect(r.attempts).toBe(1);
    expect(r.lastError).toBe("LLM 503");
    expect(r.failedAt).toBeNull();
    expect(r.availableAt.getTime()).toBeGreaterThan(Date.now()); // backoff, not immediate
    // Pretend time passed for the remaining attempts.
    for (let i = 0; i < 10; i++) {
      await handle.db.update(outbox).set({ availableAt: new Date(0) }).where(eq(outbox.id, id));
      await runner.drain();
    }
    r = await row(id);
    expect(calls).toBe(5);
    expect(r.failedAt).not.toBeNull();
    expect(r.completedAt).toBeNull();
  });

  it("does not retry an UnrecoverableError", async () => {
    let calls = 0;
    const runner = new InlineJobRunner(handle.db, { "ticket.triage": async () => { calls++; throw new UnrecoverableError("ticket gone"); } }, logger);
    const id = await enqueueJob(handle.db, "ticket.triage", { ticketId: randomUUID() });
    await runner.drain();
    expect(calls).toBe(1);
    expect((await row(id)).failedAt).not.toBeNull();
  });

  it("leaves jobs it has no processor for in the outbox", async () => {
    const runner = new InlineJobRunner(handle.db, {}, logger);
    const id = await enqueueJob(handle.db, "ticket.triage", { ticketId: randomUUID() });
    expect(await runner.drain()).toBe(0);
    expect((await row(id)).dispatchedAt).toBeNull();
  });

  it("start() drains in the background and close() waits for it", async () => {
    const seen: string[] = [];
    const runner = new InlineJobRunner(handle.db, { "kb.embed": async (p) => void seen.push(p.articleId) }, logger, { pollMs: 20 });
    const articleId = randomUUID();
    await enqueueJob(handle.db, "kb.embed", { articleId, version: 2 });
    runner.start();
    for (let i = 0; i < 100 && !seen.includes(articleId); i++) await new Promise((r) => setTimeout(r, 20));
    await runner.close();
    expect(seen).toContain(articleId);
  });
});
