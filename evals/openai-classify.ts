// The openai triage provider on a classification set (only when OPENAI_API_KEY is set): the
// production OpenAiTriageModel, with the dataset's labels offered as the teams to choose from, or
// read from its priority answer when the labels are priorities. No training: zero-shot.
import { TICKET_PRIORITIES } from "../db/schema/enums.js";
import type { Scored } from "../src/ai/classifier/metrics.js";
import { openAiChatModelFromConfig } from "../src/ai/llm/openai-chat.js";
import { OpenAiTriageModel } from "../src/ai/triage/openai.js";
import type { Config } from "../src/config.js";
import type { ClassifyRow } from "./datasets.js";

/** Requests in flight at once: enough to hide latency, few enough for ordinary rate limits. */
const CONCURRENCY = 4;

export async function classifyWithOpenAi(
  config: Config,
  labels: string[],
  rows: readonly ClassifyRow[],
  report?: (done: number, total: number) => void,
): Promise<{ model: string; items: Scored[]; errors: number }> {
  const triage = new OpenAiTriageModel(openAiChatModelFromConfig(config));
  const byPriority = labels.every((l) => (TICKET_PRIORITIES as readonly string[]).includes(l));
  const teams = labels.map((name) => ({ id: name, name, description: `tickets labelled "${name}"`, skills: [] }));
  const items: Scored[] = new Array(rows.length);
  let errors = 0;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const row = rows[i]!;
      try {
        const { decision } = await triage.decide({ subject: row.subject ?? "", description: row.text, channel: "web", tags: [] }, byPriority ? [] : teams);
        const field = byPriority ? decision.priority : decision.teamId;
        items[i] = { gold: row.label, predicted: field.value ?? "", confidence: field.confidence };
      } catch {
        // An error is a wrong answer with no confidence: dropping it would flatter the provider.
        errors++;
        items[i] = { gold: row.label, predicted: "", confidence: 0 };
      }
      report?.(++done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { model: triage.model, items, errors };
}
