import type { TextClassifier } from "../classifier/model.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { TicketPriority } from "../../../db/schema/enums.js";
import { TICKET_PRIORITIES } from "../../../db/schema/enums.js";
import { heuristicPriority, similarTeam } from "./heuristics.js";
import type { FieldDecision, TriageAnswer, TriageModel, TriageTeam, TriageTicket } from "./types.js";

export interface LocalClassifiers {
  priority?: { version: number; classifier: TextClassifier };
  team?: { version: number; classifier: TextClassifier };
}

function reasonsOf(prediction: { topFeatures?: string[] }, what: string): string[] {
  const features = prediction.topFeatures?.slice(0, 4) ?? [];
  return [features.length ? `learned ${what} model: ${features.map((f) => `"${f}"`).join(", ")}` : `learned ${what} model`];
}

/**
 * The offline provider: the learned linear models trained on agent-confirmed tickets when there
 * are any, else keyword cues for priority and description similarity for the team.
 */
export class LocalTriageModel implements TriageModel {
  readonly provider = "local";

  constructor(
    private readonly classifiers: LocalClassifiers,
    private readonly embedder: Embedder,
  ) {}

  get model(): string {
    const p = this.classifiers.priority ? `priority-v${this.classifiers.priority.version}` : "priority-cues";
    const t = this.classifiers.team ? `team-v${this.classifiers.team.version}` : "team-similarity";
    return `${p}+${t}`;
  }

  async decide(ticket: TriageTicket, teams: TriageTeam[]): Promise<TriageAnswer> {
    return { decision: { priority: this.priority(ticket), teamId: await this.team(ticket, teams) } };
  }

  private priority(ticket: TriageTicket): FieldDecision<TicketPriority> {
    const model = this.classifiers.priority?.classifier;
    if (!model) return heuristicPriority(ticket);
    const p = model.predict(ticket.subject, ticket.description, { explain: true });
    if (!(TICKET_PRIORITIES as readonly string[]).includes(p.label)) return heuristicPriority(ticket);
    return { value: p.label as TicketPriority, confidence: p.confidence, reasons: reasonsOf(p, "priority") };
  }

  private async team(ticket: TriageTicket, teams: TriageTeam[]): Promise<FieldDecision<string>> {
    const model = this.classifiers.team?.classifier;
    if (model) {
      const p = model.predict(ticket.subject, ticket.description, { explain: true });
      // A team deleted since training cannot be chosen; fall back rather than guess another.
      if (teams.some((t) => t.id === p.label)) return { value: p.label, confidence: p.confidence, reasons: reasonsOf(p, "team") };
    }
    return similarTeam(ticket, teams, this.embedder);
  }
}
