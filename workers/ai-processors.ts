import { UnrecoverableError } from "bullmq";
import { createAiModels } from "../src/ai/models.js";
import { isLlmError, isRetryableLlmError } from "../src/ai/llm/chat.js";
import { isAppError } from "../src/errors.js";
import { jobCatalog } from "../src/jobs/catalog.js";
import type { JobContext, Processors } from "../src/jobs/processors.js";
import { draftReply } from "../src/services/drafts/draft-reply.js";
import { flagForHuman, triageTicket } from "../src/services/triage/triage-ticket.js";
import type { ProcessorDeps } from "./processors.js";

/**
 * LLM failure policy, shared by triage and drafting: a retryable failure (timeout, 429, 5xx,
 * malformed answer) is rethrown so the job system retries with backoff; after the last attempt,
 * or at once for a permanent one, the local provider takes over when AI_FALLBACK_LOCAL is set,
 * else the ticket is flagged for a human. Never stuck, never lost. A ticket or message that no
 * longer exists cannot succeed later: UnrecoverableError.
 */
async function withFallback(
  job: JobContext,
  attempts: number,
  ticketId: string,
  fallbackLocal: boolean,
  primary: () => Promise<unknown>,
  local: () => Promise<unknown>,
  flag: (reason: string) => Promise<void>,
): Promise<void> {
  try {
    await primary();
  } catch (err) {
    if (isAppError(err) && err.status === 404) throw new UnrecoverableError(err.message);
    if (!isLlmError(err)) throw err;
    if (isRetryableLlmError(err) && job.attempt < attempts) throw err;
    job.logger.warn({ ticketId, err: err.message, attempt: job.attempt }, fallbackLocal ? "LLM gave up: local provider takes over" : "LLM gave up: flagged for a human");
    if (fallbackLocal) await local();
    else await flag(`${err.reason}: ${err.message}`.slice(0, 500));
  }
}

export function createAiProcessors(deps: ProcessorDeps): Processors {
  const db = deps.database.db;
  const models = createAiModels({ config: deps.config, db, embedder: deps.embedder });
  const draftDeps = { db, config: deps.config, logger: deps.logger, embedder: deps.embedder, storage: deps.storage };
  const triageDeps = { db, threshold: deps.config.TRIAGE_CONFIDENCE_THRESHOLD };
  const fallback = deps.config.AI_FALLBACK_LOCAL;

  return {
    "ticket.triage": ({ ticketId }, job) =>
      withFallback(
        job,
        jobCatalog["ticket.triage"].attempts,
        ticketId,
        fallback,
        async () => triageTicket(triageDeps, ticketId, await models.triage()),
        async () => triageTicket(triageDeps, ticketId, await models.localTriage()),
        (reason) => flagForHuman(db, ticketId, `triage failed (${reason})`),
      ),
    "ticket.draft": ({ ticketId, messageId }, job) =>
      withFallback(
        job,
        jobCatalog["ticket.draft"].attempts,
        ticketId,
        fallback,
        () => draftReply(draftDeps, ticketId, messageId, models.draft()),
        () => draftReply(draftDeps, ticketId, messageId, models.localDraft()),
        (reason) => flagForHuman(db, ticketId, `drafting failed (${reason})`),
      ),
  };
}
