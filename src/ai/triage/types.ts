import type { TicketPriority } from "../../../db/schema/enums.js";
import type { ChatUsage } from "../llm/chat.js";

/** What triage reads of a ticket: the customer's own words and how they arrived. Never notes. */
export interface TriageTicket {
  subject: string;
  description: string;
  channel: string;
  tags: string[];
}

export interface TriageTeam {
  id: string;
  name: string;
  description: string;
  skills: string[];
}

export interface FieldDecision<T> {
  /** null = the model has no opinion (no data, no team fits). */
  value: T | null;
  /** Calibrated probability in [0, 1]; triage applies the value only at or above its threshold. */
  confidence: number;
  reasons: string[];
}

export interface TriageDecision {
  priority: FieldDecision<TicketPriority>;
  teamId: FieldDecision<string>;
}

export interface TriageAnswer {
  decision: TriageDecision;
  usage?: ChatUsage;
}

/** A classifier provider: local (learned linear models + fallbacks) or an LLM. */
export interface TriageModel {
  readonly provider: string;
  readonly model: string;
  decide(ticket: TriageTicket, teams: TriageTeam[]): Promise<TriageAnswer>;
}
