import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { teams, ticketEvents, tickets, type TicketPriority } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import { detectLanguage } from "../../ai/triage/language.js";
import { sentimentScore } from "../../ai/triage/sentiment.js";
import type { FieldDecision, TriageDecision, TriageModel } from "../../ai/triage/types.js";
import { withAiRun } from "../../ai/runs.js";
import { AppError } from "../../errors.js";
import { loadActiveRules, matchRoutingRules } from "../teams/routing-rules.js";
import { recordEvents, type TicketEventInput } from "../tickets/events.js";
import { slaDueColumns } from "../tickets/sla.js";
import { pickAgent } from "./pick-agent.js";

export interface TriageDeps {
  db: Database;
  /** Below this confidence a field is left for a human and the ticket is flagged. */
  threshold: number;
}

/** What triage decided and did, also stored as tickets.metadata.ai (the review trail). */
export interface TriageRecord {
  triagedAt: string;
  provider: string;
  model: string;
  runId: string | null;
  priority: TicketPriority | null;
  priorityConfidence: number;
  priorityReasons: string[];
  teamId: string | null;
  teamConfidence: number;
  teamReasons: string[];
  assigneeId: string | null;
  needsHuman: boolean;
  sentiment: number;
  language: string | null;
}

type Source = "rule" | "model" | "kept";
interface Resolved<T> {
  value: T | null;
  confidence: number;
  reasons: string[];
  source: Source | null;
}

function resolveField<T>(current: T | null, keep: boolean, rule: T | undefined, ruleReasons: string[], model: FieldDecision<T> | undefined, threshold: number): Resolved<T> {
  if (keep) return { value: current, confidence: 1, reasons: ["set by a person before triage"], source: "kept" };
  if (rule !== undefined) return { value: rule, confidence: 1, reasons: ruleReasons, source: "rule" };
  if (model && model.value !== null && model.confidence >= threshold) return { value: model.value, confidence: model.confidence, reasons: model.reasons, source: "model" };
  const why = model ? [...model.reasons, `confidence ${model.confidence.toFixed(2)} below ${threshold}: left for a human`] : ["no decision"];
  return { value: null, confidence: model?.confidence ?? 0, reasons: why, source: null };
}

/**
 * Triage of one ticket: admin routing rules first, then the model for what the rules left
 * open; fields below the confidence threshold are left for a human and the ticket is flagged;
 * then an agent of the chosen team is assigned by load. Idempotent: a ticket already triaged is
 * left alone, so a retried or re-dispatched job changes nothing.
 */
export async function triageTicket(deps: TriageDeps, ticketId: string, model: TriageModel): Promise<TriageRecord | null> {
  const loaded = await runAs(deps.db, SYSTEM, async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const humanSet = await tx
      .select({ field: ticketEvents.field })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.actorType, "user"), sql`${ticketEvents.field} IN ('priority', 'teamId')`));
    return { ticket, humanSet: new Set(humanSet.map((h) => h.field)), teams: await tx.select().from(teams), rules: await loadActiveRules(tx) };
  });
  const { ticket } = loaded;
  if ((ticket.metadata.ai as { triagedAt?: string } | undefined)?.triagedAt) return null;

  const input = { subject: ticket.subject, description: ticket.description, channel: ticket.channel, tags: ticket.tags };
  const rules = matchRoutingRules(loaded.rules, input);
  const keepTeam = ticket.teamId !== null;
  const keepPriority = loaded.humanSet.has("priority");
  const needModel = (!keepTeam && rules.teamId === undefined) || (!keepPriority && rules.priority === undefined);

  let decision: TriageDecision | undefined;
  let runId: string | null = null;
  if (needModel) {
    const run = await withAiRun(deps.db, { kind: "triage", ticketId, provider: model.provider, model: model.model, input: { ticketId } }, async () => {
      const answer = await model.decide(input, loaded.teams);
      const confidence = Math.min(answer.decision.priority.confidence, answer.decision.teamId.confidence);
      return { value: answer.decision, usage: answer.usage, confidence };
    });
    decision = run.value;
    runId = run.runId;
  }

  const priority = resolveField<TicketPriority>(ticket.priority, keepPriority, rules.priority, rules.reasons, decision?.priority, deps.threshold);
  const team = resolveField<string>(ticket.teamId, keepTeam, rules.teamId, rules.reasons, decision?.teamId, deps.threshold);
  const text = `${ticket.subject}\n${ticket.description}`;
  const language = ticket.language ?? detectLanguage(text);
  const sentiment = sentimentScore(text);

  return runAs(deps.db, SYSTEM, async (tx) => {
    // Re-read under lock: an agent may have claimed or edited the ticket while the model ran.
    const [current] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for("update");
    if (!current || (current.metadata.ai as { triagedAt?: string } | undefined)?.triagedAt) return null;

    const events: TicketEventInput[] = [];
    const patch: Partial<typeof tickets.$inferInsert> = {};
    const newPriority = priority.source === "rule" || priority.source === "model" ? priority.value : null;
    if (newPriority && newPriority !== current.priority) {
      patch.priority = newPriority;
      Object.assign(patch, slaDueColumns(newPriority, tickets.createdAt));
      events.push({ ticketId, kind: "ticket.priority_changed", field: "priority", from: current.priority, to: newPriority, actorType: "ai" });
    }
    const newTeam = (team.source === "rule" || team.source === "model") && current.teamId === null ? team.value : null;
    if (newTeam) {
      patch.teamId = newTeam;
      events.push({ ticketId, kind: "ticket.team_changed", field: "teamId", from: null, to: newTeam, actorType: "ai" });
    }
    const teamForAssignment = newTeam ?? current.teamId;
    let assigneeId: string | null = null;
    if (teamForAssignment && current.assigneeId === null) {
      const choice = await pickAgent(tx, teamForAssignment, { tags: current.tags, text });
      if (choice) {
        assigneeId = choice.agentId;
        patch.assigneeId = assigneeId;
        events.push({
          ticketId,
          kind: "ticket.assigned",
          field: "assigneeId",
          from: null,
          to: assigneeId,
          actorType: "ai",
          metadata: { openTickets: choice.openTickets, matchedSkills: choice.matchedSkills },
        });
      }
    }
    const needsHuman = priority.source === null || team.source === null || (teamForAssignment !== null && current.assigneeId === null && assigneeId === null);
    const record: TriageRecord = {
      triagedAt: new Date().toISOString(),
      provider: decision ? model.provider : "rules",
      model: decision ? model.model : "routing-rules",
      runId,
      priority: priority.value,
      priorityConfidence: priority.confidence,
      priorityReasons: priority.reasons,
      teamId: team.value,
      teamConfidence: team.confidence,
      teamReasons: team.reasons,
      assigneeId,
      needsHuman,
      sentiment,
      language,
    };
    events.push({ ticketId, kind: "ticket.triaged", to: { priority: record.priority, teamId: record.teamId, needsHuman }, actorType: "ai", isInternal: true, metadata: { runId } });

    await tx
      .update(tickets)
      .set({
        ...patch,
        needsHuman: current.needsHuman || needsHuman,
        language: current.language ?? language,
        metadata: { ...current.metadata, ai: record },
        updatedAt: sql`clock_timestamp()`,
      })
      .where(eq(tickets.id, ticketId));
    await recordEvents(tx, SYSTEM, events);
    return record;
  });
}

/** After the last failed attempt: never stuck — the ticket is flagged for a person, with why. */
export async function flagForHuman(db: Database, ticketId: string, reason: string): Promise<void> {
  await runAs(db, SYSTEM, async (tx) => {
    const [current] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for("update");
    if (!current) return;
    await tx
      .update(tickets)
      .set({ needsHuman: true, metadata: { ...current.metadata, aiFailure: { reason, at: new Date().toISOString() } }, updatedAt: sql`clock_timestamp()` })
      .where(eq(tickets.id, ticketId));
    await recordEvents(tx, SYSTEM, [{ ticketId, kind: "ticket.flagged", to: { reason }, actorType: "ai", isInternal: true }]);
  });
}
