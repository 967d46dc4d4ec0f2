import type { TicketPriority } from "../../../db/schema/enums.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { FieldDecision, TriageTeam, TriageTicket } from "./types.js";

// What triage falls back on before any agent-confirmed tickets exist to learn from. The
// confidences are deliberately modest: below the default threshold except for loud cues, so a
// fresh install asks humans rather than guessing.

const PRIORITY_CUES: { priority: TicketPriority; confidence: number; pattern: RegExp; why: string }[] = [
  {
    priority: "urgent",
    confidence: 0.7,
    why: "outage, security or data-loss language",
    pattern: /\b(outage|(is|are|went|goes|gone) down|site down|all (of )?(our )?(users|customers)|production|data (loss|breach)|security (breach|incident)|hacked|compromised|leaked)\b/i,
  },
  {
    priority: "high",
    confidence: 0.6,
    why: "blocked or money-at-stake language",
    pattern: /\b(urgent|asap|immediately|charged twice|double[- ]charged|locked out|can(no|')t (log ?in|sign ?in|access|pay)|payment(s)? (failed|failing)|blocked|error 5\d\d)\b/i,
  },
  {
    priority: "low",
    confidence: 0.55,
    why: "question or suggestion language",
    pattern: /\b(feature request|suggestion|would be nice|how (do|can) i|is it possible|question about|just wondering|feedback|no rush)\b/i,
  },
];

export function heuristicPriority(ticket: TriageTicket): FieldDecision<TicketPriority> {
  const text = `${ticket.subject}\n${ticket.description}`;
  for (const cue of PRIORITY_CUES) {
    const hit = cue.pattern.exec(text);
    if (hit) return { value: cue.priority, confidence: cue.confidence, reasons: [`${cue.why}: "${hit[0]}"`] };
  }
  return { value: "medium", confidence: 0.3, reasons: ["no priority cue; medium by default"] };
}

/** Team whose name, description and skills read most like the ticket (embedding cosine). */
export async function similarTeam(ticket: TriageTicket, teams: TriageTeam[], embedder: Embedder): Promise<FieldDecision<string>> {
  if (teams.length === 0) return { value: null, confidence: 0, reasons: ["no teams exist"] };
  const profiles = teams.map((t) => `${t.name}. ${t.description} ${t.skills.join(", ")}`);
  const [query, ...vectors] = await embedder.embed([`${ticket.subject}\n${ticket.description}`], "query").then(async (q) => [
    ...q,
    ...(await embedder.embed(profiles, "passage")),
  ]);
  const cosines = vectors.map((v) => v.reduce((sum, x, i) => sum + x * query![i]!, 0));
  // Softmax over cosines with a sharp temperature: a clear winner gets a confident vote, a
  // near tie between teams does not.
  const scaled = cosines.map((c) => c / 0.04);
  const max = Math.max(...scaled);
  const exp = scaled.map((s) => Math.exp(s - max));
  const total = exp.reduce((a, b) => a + b, 0);
  const best = exp.indexOf(Math.max(...exp));
  const ranked = [...cosines].sort((a, b) => b - a);
  return {
    value: teams[best]!.id,
    confidence: (exp[best]! / total) * Math.min(1, ranked[0]! / 0.15),
    reasons: [`reads most like the ${teams[best]!.name} team's description (similarity ${ranked[0]!.toFixed(2)} vs ${(ranked[1] ?? 0).toFixed(2)})`],
  };
}
