// `autocrm eval drafts`: each query becomes a customer's ticket in the eval database (the real
// createTicket), and the real draft service drafts a reply to it with the local provider. The
// stored draft is then scored: does it cite a relevant article, are its sentences supported by
// the passages it cites, how close is it to the reference answer, and did it abstain.
import { eq, inArray } from "drizzle-orm";
import { runAs } from "../db/scoped.js";
import { aiDrafts, kbChunks, ticketMessages } from "../db/schema/index.js";
import { SYSTEM, type Actor } from "../src/auth/actor.js";
import { createAiModels } from "../src/ai/models.js";
import type { Config } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import { createUser } from "../src/services/accounts/users.js";
import { draftReply } from "../src/services/drafts/draft-reply.js";
import { createTicket } from "../src/services/tickets/create.js";
import { loadRetrieval, sampleById, type DatasetRef, type QueryRow } from "./datasets.js";
import { isLearned, learnQueries, loadEvalKb, type EvalKb } from "./eval-kb.js";
import { scoreDrafts, type StoredDraft } from "./score-drafts.js";
import type { RetrievalOptions } from "./run-retrieval.js";
import type { DraftsResult } from "./results.js";

/** Like "file a ticket anyway" from an instant answer: the first line, cut, is the subject. */
const SUBJECT_LENGTH = 120;

export async function evalDrafts(config: Config, logger: Logger, dataset: DatasetRef, options: RetrievalOptions = {}): Promise<DraftsResult> {
  const started = performance.now();
  const { queries } = loadRetrieval(dataset.dir);
  const learnFraction = options.learn ?? 0;
  const learnedSet = queries.filter(isLearned(learnFraction));
  const candidates = queries.filter((q) => !isLearned(learnFraction)(q) && (q.relevant.length === 0 || (q.answer ?? "").trim() !== ""));
  const drafted = sampleById(candidates, options.limit);

  const kb = await loadEvalKb(config, logger, `${dataset.dir}/articles.jsonl`, options);
  try {
    const learned = await learnQueries(kb, learnedSet, options.progress);
    const indexSeconds = (performance.now() - started) / 1000;
    const model = createAiModels({ config, db: kb.database.db, embedder: kb.system.embedder }).localDraft();
    const customer = await evalCustomer(kb);
    const report = options.progress?.("drafts ");
    const draftsStarted = performance.now();
    const stored: StoredDraft[] = [];
    for (const [i, q] of drafted.entries()) {
      stored.push(await draftFor(kb, customer, q, model));
      report?.(i + 1, drafted.length);
    }
    const draftsSeconds = (performance.now() - draftsStarted) / 1000;
    const passages = await runAs(kb.database.db, SYSTEM, (tx) => tx.select({ content: kbChunks.content }).from(kbChunks));
    const scores = scoreDrafts(stored, kb.toDatasetId, passages.map((p) => p.content));
    return {
      kind: "drafts",
      dataset: dataset.name,
      dir: dataset.dir,
      provider: model.provider,
      model: model.model,
      learnFraction,
      learned,
      ...scores,
      threshold: config.DRAFT_CONFIDENCE_THRESHOLD,
      seconds: { index: indexSeconds, drafts: draftsSeconds, total: (performance.now() - started) / 1000 },
      msPerDraft: drafted.length ? (draftsSeconds * 1000) / drafted.length : 0,
    };
  } finally {
    await kb.close();
  }
}

async function evalCustomer(kb: EvalKb): Promise<Actor> {
  const user = await createUser(kb.system, { email: "eval-customer@example.test", fullName: "Eval Customer", role: "customer" });
  return { kind: "user", id: user.id, role: "customer", email: user.email, fullName: user.fullName };
}

async function draftFor(kb: EvalKb, customer: Actor, q: QueryRow, model: ReturnType<ReturnType<typeof createAiModels>["localDraft"]>): Promise<StoredDraft> {
  const firstLine = q.query.trim().split(/\r?\n/)[0]!.replace(/\s+/g, " ");
  const ticket = await createTicket({ ...kb.system, actor: customer }, { subject: firstLine.slice(0, SUBJECT_LENGTH) || "Question", description: q.query, channel: "web" });
  const db = kb.database.db;
  const [message] = await runAs(db, SYSTEM, (tx) => tx.select({ id: ticketMessages.id }).from(ticketMessages).where(eq(ticketMessages.ticketId, ticket.id)));
  const outcome = await draftReply(
    { db, config: kb.system.config, logger: kb.system.logger, embedder: kb.system.embedder, storage: kb.system.storage },
    ticket.id,
    message!.id,
    model,
  );
  if (outcome.status === "skipped") throw new Error(`query ${q.id}: the draft service skipped it (${outcome.reason})`);
  return runAs(db, SYSTEM, async (tx) => {
    const [draft] = await tx.select().from(aiDrafts).where(eq(aiDrafts.id, outcome.draftId));
    const chunkIds = draft!.citations.map((c) => c.chunkId);
    const chunks = chunkIds.length ? await tx.select({ content: kbChunks.content }).from(kbChunks).where(inArray(kbChunks.id, chunkIds)) : [];
    return {
      query: q,
      abstained: draft!.status === "abstained",
      body: draft!.body,
      citedArticleIds: [...new Set(draft!.citations.map((c) => c.articleId))],
      citedPassages: chunks.map((c) => c.content),
    };
  });
}
