// Tickets triaged and drafted per second, end to end with the local provider and real BullMQ,
// beside raw BullMQ no-op job throughput measured in the same run (same Redis, same process).
//   npx tsx bench/pipeline.ts [--tickets 300] [--concurrency 8]
// Needs Redis (REDIS_URL or 127.0.0.1:6379). Embedded PGlite, in memory.
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { count, isNotNull, sql } from "drizzle-orm";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { aiDrafts, tickets, users } from "../db/schema/index.js";
import { seedDemo } from "../db/seed/seed.js";
import { createEmbedder } from "../src/ai/embeddings/index.js";
import { SYSTEM } from "../src/auth/actor.js";
import { DEMO_KB_DIR } from "../src/cli/commands.js";
import { loadConfig } from "../src/config.js";
import { BullmqDispatcher, startWorkers } from "../src/jobs/bullmq.js";
import { InlineJobRunner } from "../src/jobs/inline-runner.js";
import { createLogger } from "../src/logger.js";
import { LocalDiskStorage } from "../src/services/attachments/storage.js";
import { createTicket } from "../src/services/tickets/create.js";
import { createProcessors } from "../workers/processors.js";

const { values } = parseArgs({ options: { tickets: { type: "string", default: "300" }, concurrency: { type: "string", default: "8" } } });
const N = Number(values.tickets);
const concurrency = Number(values.concurrency);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function rawBullmq(n: number): Promise<number> {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(redisUrl);
  const queue = new Queue("noop", { connection: producer, prefix });
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker("noop", async () => {}, { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency });
  worker.on("completed", () => ++done === n && finish());
  const started = performance.now();
  await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: "noop", data: { i }, opts: { jobId: randomUUID(), removeOnComplete: true } })));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  return n / seconds;
}

async function pipeline(n: number): Promise<{ perSecond: number; drafted: number; triaged: number }> {
  const config = loadConfig({ LOG_LEVEL: "silent", REDIS_URL: redisUrl, QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`, WORKER_CONCURRENCY: String(concurrency) });
  const logger = createLogger(config);
  const database = await openDatabase({});
  await runMigrations(database);
  await seedDemo(database.db, { kbDir: DEMO_KB_DIR });
  const embedder = createEmbedder(config);
  const storage = new LocalDiskStorage(`/tmp/autocrm-bench-${process.pid}`);
  const deps = { config, database, logger, embedder, storage };
  // Index the KB first (not part of the measurement).
  await new InlineJobRunner(database.db, createProcessors(deps), logger).drain();
  const [customer] = await database.db.select().from(users).where(sql`${users.email} = 'maria@acme.example'`);
  const ctx = { db: database.db, actor: { kind: "user" as const, id: customer!.id, role: "customer" as const, email: customer!.email, fullName: customer!.fullName }, config, logger, storage, embedder, notifyJobs: () => dispatcher.notify() };

  const dispatcher = new BullmqDispatcher(database.db, { redisUrl, prefix: config.QUEUE_PREFIX }, logger);
  const pool = startWorkers(database.db, createProcessors(deps), { redisUrl, prefix: config.QUEUE_PREFIX, queues: ["ai"], concurrency, aiRateLimitPerMinute: 0 }, logger);
  dispatcher.start();
  const subjects = ["Refund for a duplicate charge", "Reset my password", "Webhooks not arriving", "Add a VAT number to invoices", "Cancel my plan"];
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = await createTicket(ctx, { subject: subjects[i % subjects.length]!, description: `${subjects[i % subjects.length]} — ticket ${i}, please help.` });
    ids.push(t.id);
  }
  let drafted = 0;
  let triaged = 0;
  for (;;) {
    [{ n: drafted }] = (await database.db.select({ n: count() }).from(aiDrafts)) as [{ n: number }];
    [{ n: triaged }] = (await database.db.select({ n: count() }).from(tickets).where(isNotNull(sql`${tickets.metadata}->'ai'->>'triagedAt'`))) as [{ n: number }];
    if (drafted >= n && triaged >= n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  await dispatcher.close();
  await database.close();
  return { perSecond: n / seconds, drafted, triaged };
}

const raw = await rawBullmq(Math.max(N * 5, 2000));
const result = await pipeline(N);
console.log(`node ${process.version}, ${cpus().length} cpus, ${N} tickets, worker concurrency ${concurrency}`);
console.log(`raw BullMQ no-op jobs:            ${raw.toFixed(0)} jobs/s`);
console.log(`tickets triaged + drafted (local): ${result.perSecond.toFixed(1)} tickets/s (${result.triaged} triaged, ${result.drafted} drafted)`);
console.log(`ratio pipeline / raw no-op job:    ${(result.perSecond / raw).toFixed(4)}  (each ticket = 2 jobs + create)`);
console.log(`target ≥ 200 tickets/s: ${result.perSecond >= 200 ? "met" : "NOT met"}`);
process.exit(0);
