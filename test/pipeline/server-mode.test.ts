import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, pgliteOptions, type DatabaseHandle } from "../../db/client.js";
import { runMigrations } from "../../db/migrate.js";
import { aiDrafts, outbox, tickets, users } from "../../db/schema/index.js";
import { seedDemo } from "../../db/seed/seed.js";
import { DEMO_KB_DIR } from "../../src/cli/commands.js";
import { issueSession } from "../../src/services/accounts/sessions.js";
import { startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";
import { eventually, freePort, spawnAutocrm, type AutocrmProcess } from "../harness/processes.js";
import { startPgliteServer } from "../harness/pglite-server.js";
import { startPrivateRedis, uniqueQueuePrefix } from "../harness/redis.js";

// Server mode for real: the API and the workers are separate `autocrm` processes talking to
// Postgres over the wire (PGlite served by pglite-socket, which keeps each connection's
// transaction to itself) and to a private Redis through BullMQ. Slow by nature: one file.

let pglite: PGlite;
let socket: PGLiteSocketServer;
let db: DatabaseHandle;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let redisPort: number;
let fake: FakeOpenAi;
let api: AutocrmProcess;
let apiUrl: string;
const workers: AutocrmProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "autocrm-server-"));
let env: Record<string, string>;
let customerToken: string;
/** The tickets created while Redis was down (second test); the third waits for their drafts. */
const redisDownTicketIds: string[] = [];

const call = async (method: string, path: string, token: string, json?: unknown) => {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { "content-type": "application/json" }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
};
const tokenOf = async (email: string) => {
  const [u] = await db.db.select().from(users).where(eq(users.email, email));
  return (await issueSession(db.db, u!.id, 1)).token;
};

beforeAll(async () => {
  pglite = await PGlite.create(pgliteOptions());
  const direct = await openDatabase({ pglite });
  await runMigrations(direct);
  await seedDemo(direct.db, { kbDir: DEMO_KB_DIR });
  const pgPort = await freePort();
  socket = await startPgliteServer(pglite, pgPort);
  // From here on the test reads through the wire like the processes do, so its queries take
  // their turn with theirs and never land inside one of their transactions.
  db = await openDatabase({ url: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`, poolMax: 1 });
  redisPort = await freePort();
  redis = await startPrivateRedis(redisPort);
  fake = await startFakeOpenAi();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  env = {
    DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    DATABASE_POOL_MAX: "2",
    REDIS_URL: redis.url,
    QUEUE_PREFIX: uniqueQueuePrefix(),
    DATA_DIR: dataDir,
    WORKER_LOCK_MS: "2000",
  };
  api = spawnAutocrm(["api"], { ...env, PORT: String(port) });
  workers.push(spawnAutocrm(["worker"], env));
  await eventually("the API to answer", async () => ((await fetch(`${apiUrl}/health`)).status === 200 ? true : undefined), 90_000);
  customerToken = await tokenOf("maria@acme.example");
}, 180_000);

afterAll(async () => {
  for (const w of workers) await w.stop("SIGKILL");
  await api?.stop();
  await redis?.stop();
  await fake?.close();
  await db?.close();
  await socket?.stop();
  await pglite?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("API and worker as separate processes (BullMQ on Redis)", () => {
  it("ticket over HTTP → triage sets priority, team and assignee → cited draft → approval → customer sees the reply", async () => {
    const created = await call("POST", "/tickets", customerToken, {
      subject: "Refund for a duplicate charge",
      description: "I was charged twice for my Growth plan this month. How do I get a refund for the second charge?",
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const draft = await eventually("a draft", async () => {
      const [d] = await db.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, id));
      return d;
    }, 90_000);
    // Triage and draft are separate jobs that workers run concurrently: either may finish first.
    const ticket = await eventually("triage", async () => {
      const [t] = await db.db.select().from(tickets).where(eq(tickets.id, id));
      return (t!.metadata.ai as { triagedAt?: string } | undefined)?.triagedAt ? t : undefined;
    }, 90_000);
    expect(ticket!.teamId).not.toBeNull();
    expect(ticket!.assigneeId).not.toBeNull();
    expect(draft.status).toBe("pending");
    expect(draft.citations.length).toBeGreaterThan(0);

    const [agent] = await db.db.select().from(users).where(eq(users.id, ticket!.assigneeId!));
    const agentToken = await tokenOf(agent!.email);
    expect((await call("POST", `/drafts/${draft.id}/approve`, agentToken, {})).status).toBe(200);
    const messages = await call("GET", `/tickets/${id}/messages`, customerToken);
    expect(messages.body.data.map((m: { body: string }) => m.body)).toContain(draft.body);
    // Each job's outcome is mirrored into its outbox row, where admins see every job in one place.
    await eventually("the outbox rows marked completed", async () => {
      const rows = await db.db.select().from(outbox).where(sql`${outbox.payload}->>'ticketId' = ${id}`);
      return rows.length >= 2 && rows.every((r) => r.completedAt) ? true : undefined;
    }, 30_000);
  }, 120_000);

  it("with Redis stopped, 50 tickets are still accepted (201) and all are triaged once Redis is back", async () => {
    await redis.stop();
    const ids = redisDownTicketIds;
    for (let i = 0; i < 50; i++) {
      const res = await call("POST", "/tickets", customerToken, { subject: `Invoice question ${i}`, description: `Where do I find invoice number ${i} and its VAT?` });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const health = await call("GET", "/health", customerToken);
    expect(health.body.status).toBe("degraded");
    redis = await startPrivateRedis(redisPort);
    await eventually(
      "all 50 tickets triaged",
      async () => {
        const rows = await db.db.select({ metadata: tickets.metadata }).from(tickets).where(inArray(tickets.id, ids));
        return rows.every((r) => (r.metadata.ai as { triagedAt?: string } | undefined)?.triagedAt) ? true : undefined;
      },
      120_000,
      500,
    );
  }, 180_000);

  it("a worker killed (SIGKILL) mid-job: the job completes once, with one draft", async () => {
    // The previous test's 50 drafts must be done first: left in the queue, they would reach the
    // openai worker below ahead of this ticket and take the one scripted draft reply.
    await eventually(
      "the earlier tickets' drafts",
      async () => {
        const drafted = await db.db.selectDistinct({ ticketId: aiDrafts.ticketId }).from(aiDrafts).where(inArray(aiDrafts.ticketId, redisDownTicketIds));
        return drafted.length === redisDownTicketIds.length ? true : undefined;
      },
      120_000,
      500,
    );
    // A worker on the openai provider whose LLM answers slowly, so it is surely mid-job when killed.
    for (const w of workers.splice(0)) await w.stop();
    const llmEnv = { ...env, AI_PROVIDER: "openai", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.url, WORKER_CONCURRENCY: "1", OPENAI_TIMEOUT_MS: "20000" };
    const triage = { schema: "ticket_triage", json: { priority: "low", priorityConfidence: 0.9, priorityReason: "question", team: "Billing", teamConfidence: 0.9, teamReason: "invoices" } };
    fake.enqueue({ schema: "ticket_triage", delayMs: 15_000, then: triage }, triage);
    const doomed = spawnAutocrm(["worker", "--queues", "ai"], llmEnv);
    workers.push(doomed);
    const res = await call("POST", "/tickets", customerToken, { subject: "Invoice copy", description: "Please send me a copy of my last invoice." });
    const id = res.body.id;
    await eventually("the slow LLM call to start", async () => (fake.requests.some((r) => JSON.stringify(r.body).includes("copy of my last invoice")) ? true : undefined), 60_000);
    await doomed.stop("SIGKILL");

    fake.enqueue({ schema: "drafted_reply", json: { reply: "Invoices are under Settings → Billing.", citations: [], confidence: 0.1 } });
    const survivor = spawnAutocrm(["worker", "--queues", "ai"], llmEnv);
    workers.push(survivor, spawnAutocrm(["worker", "--queues", "kb,maintenance"], env));
    await eventually(
      "triage after the worker died",
      async () => {
        const [t] = await db.db.select().from(tickets).where(eq(tickets.id, id));
        return (t!.metadata.ai as { triagedAt?: string } | undefined)?.triagedAt ? t : undefined;
      },
      90_000,
      500,
    );
    const drafts = await eventually("the draft job", async () => {
      const rows = await db.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, id));
      return rows.length ? rows : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await db.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, id))).toHaveLength(drafts.length);
    expect(drafts).toHaveLength(1);
  }, 360_000);
});
