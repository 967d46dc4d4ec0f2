import { and, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { aiFeedback, classifierModels, tickets } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import type { TrainingExample } from "../../ai/classifier/train.js";
import { trainOffThread } from "../../ai/classifier/train-off-thread.js";

export type TrainingTarget = "priority" | "team";

/** Fewer confirmed tickets than this (or a single label) teach nothing: keep the fallbacks. */
export const MIN_TRAINING_EXAMPLES = 20;
/** The most recent confirmed tickets are what the model learns from. */
const MAX_TRAINING_EXAMPLES = 50_000;

export interface TrainingOutcome {
  target: TrainingTarget;
  trained: boolean;
  version?: number;
  examples: number;
  labels: number;
  cvAccuracy?: number;
  reason?: string;
}

/**
 * Tickets whose priority and team a person confirmed or corrected: handled to the end
 * (resolved/closed) by staff, or overridden by staff after triage. Their final values are the labels.
 */
async function confirmedExamples(db: Database, target: TrainingTarget): Promise<TrainingExample[]> {
  return runAs(db, SYSTEM, async (tx) => {
    const overridden = tx
      .selectDistinct({ id: aiFeedback.ticketId })
      .from(aiFeedback)
      .where(and(eq(aiFeedback.kind, "override"), eq(aiFeedback.field, target)));
    const rows = await tx
      .select({ subject: tickets.subject, text: tickets.description, priority: tickets.priority, teamId: tickets.teamId })
      .from(tickets)
      .where(
        and(
          target === "team" ? isNotNull(tickets.teamId) : undefined,
          or(inArray(tickets.status, ["resolved", "closed"]), sql`${tickets.id} IN ${overridden}`),
        ),
      )
      .orderBy(desc(tickets.updatedAt))
      .limit(MAX_TRAINING_EXAMPLES);
    return rows.map((r) => ({ subject: r.subject, text: r.text, label: target === "team" ? r.teamId! : r.priority }));
  });
}

/**
 * Trains the local classifier for `target` on agent-confirmed tickets and activates it as a new
 * version (the previous stays stored for comparison and rollback). `autocrm ai train` and the
 * repeatable `ai.learn` job both come here.
 */
export async function trainTriageModel(db: Database, target: TrainingTarget, options: { signal?: AbortSignal } = {}): Promise<TrainingOutcome> {
  const examples = await confirmedExamples(db, target);
  const labels = new Set(examples.map((e) => e.label)).size;
  if (examples.length < MIN_TRAINING_EXAMPLES || labels < 2) {
    return { target, trained: false, examples: examples.length, labels, reason: `needs at least ${MIN_TRAINING_EXAMPLES} confirmed tickets over 2+ labels` };
  }
  // Off the calling thread: in embedded mode that is the server's (train-off-thread.ts).
  const model = await trainOffThread(examples, options);
  const cvAccuracy = typeof model.meta.cvAccuracy === "number" ? model.meta.cvAccuracy : undefined;
  const version = await runAs(db, SYSTEM, async (tx) => {
    // Serialise concurrent trainings of one target so versions stay unique and one stays active.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`autocrm:train:${target}`}))`);
    const [latest] = await tx
      .select({ version: classifierModels.version })
      .from(classifierModels)
      .where(eq(classifierModels.target, target))
      .orderBy(desc(classifierModels.version))
      .limit(1);
    const next = (latest?.version ?? 0) + 1;
    await tx.update(classifierModels).set({ isActive: false }).where(and(eq(classifierModels.target, target), eq(classifierModels.isActive, true)));
    await tx.insert(classifierModels).values({
      target,
      version: next,
      algorithm: String(model.meta.algorithm),
      params: model.toJSON(),
      metrics: { trainedOn: examples.length, labels, ...(cvAccuracy !== undefined ? { cvAccuracy } : {}) },
      trainingSize: examples.length,
      isActive: true,
    });
    return next;
  });
  return { target, trained: true, version, examples: examples.length, labels, cvAccuracy };
}
