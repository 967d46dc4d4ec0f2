import type { Database } from "../../db/client.js";
import type { Config } from "../config.js";
import { loadActiveClassifiers } from "../services/triage/classifiers.js";
import { LocalDraftModel } from "./drafting/local.js";
import { OpenAiDraftModel } from "./drafting/openai.js";
import type { DraftModel } from "./drafting/types.js";
import type { Embedder } from "./embeddings/embedder.js";
import { openAiChatModelFromConfig } from "./llm/openai-chat.js";
import { LocalTriageModel } from "./triage/local.js";
import { OpenAiTriageModel } from "./triage/openai.js";
import type { TriageModel } from "./triage/types.js";

/** The models the pipeline uses, by the configured provider, plus the offline ones as fallback. */
export interface AiModels {
  triage(): Promise<TriageModel>;
  draft(): DraftModel;
  localTriage(): Promise<TriageModel>;
  localDraft(): DraftModel;
}

export function createAiModels(deps: { config: Config; db: Database; embedder: Embedder }): AiModels {
  const localDraft = new LocalDraftModel();
  const localTriage = async () => new LocalTriageModel(await loadActiveClassifiers(deps.db), deps.embedder);
  if (deps.config.aiProvider === "openai") {
    const chat = openAiChatModelFromConfig(deps.config);
    const triage = new OpenAiTriageModel(chat);
    const draft = new OpenAiDraftModel(chat);
    return { triage: async () => triage, draft: () => draft, localTriage, localDraft: () => localDraft };
  }
  return { triage: localTriage, draft: () => localDraft, localTriage, localDraft: () => localDraft };
}
