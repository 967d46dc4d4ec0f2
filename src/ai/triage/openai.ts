import { z } from "zod";
import { TICKET_PRIORITIES } from "../../../db/schema/enums.js";
import type { ChatModel } from "../llm/chat.js";
import { dataBlock, systemPrompt } from "../llm/prompt-safety.js";
import type { TriageAnswer, TriageModel, TriageTeam, TriageTicket } from "./types.js";

const answerSchema = z.object({
  priority: z.enum(TICKET_PRIORITIES),
  priorityConfidence: z.number().min(0).max(1),
  priorityReason: z.string().max(300),
  team: z.string().describe("exactly one of the team names listed, or NONE"),
  teamConfidence: z.number().min(0).max(1),
  teamReason: z.string().max(300),
});

const INSTRUCTIONS = `You triage customer-support tickets. Choose a priority (low, medium, high, urgent) and the one team best placed to handle the ticket, from the teams listed. Urgent: outages, security incidents, data loss, many users blocked. High: one customer blocked or money at stake. Low: questions, suggestions. Otherwise medium. Give honest confidences between 0 and 1 and one short reason each. If no team fits, answer NONE with a low confidence.`;

/** The LLM provider: structured output checked by zod; the ticket text goes in as data. */
export class OpenAiTriageModel implements TriageModel {
  readonly provider: string;
  readonly model: string;

  constructor(private readonly chat: ChatModel) {
    this.provider = chat.provider;
    this.model = chat.model;
  }

  async decide(ticket: TriageTicket, teams: TriageTeam[]): Promise<TriageAnswer> {
    const teamList = teams.map((t) => `- ${t.name}: ${t.description} (skills: ${t.skills.join(", ") || "none"})`).join("\n");
    const result = await this.chat.complete({
      system: systemPrompt(`${INSTRUCTIONS}\n\nTeams:\n${teamList || "(none)"}`),
      messages: [
        {
          role: "user",
          content: [
            dataBlock("ticket_subject", ticket.subject),
            dataBlock("ticket_message", ticket.description, { author: "customer" }),
            `Channel: ${ticket.channel}. Tags: ${ticket.tags.join(", ") || "none"}.`,
          ].join("\n"),
        },
      ],
      schema: answerSchema,
      schemaName: "ticket_triage",
      temperature: 0,
    });
    const a = result.value;
    const team = teams.find((t) => t.name.toLowerCase() === a.team.trim().toLowerCase());
    return {
      usage: result.usage,
      decision: {
        priority: { value: a.priority, confidence: a.priorityConfidence, reasons: [a.priorityReason] },
        teamId: team
          ? { value: team.id, confidence: a.teamConfidence, reasons: [a.teamReason] }
          : { value: null, confidence: 0, reasons: [`model answered "${a.team}", which is not a team`] },
      },
    };
  }
}
