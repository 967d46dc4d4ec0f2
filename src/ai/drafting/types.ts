import type { DraftCitation } from "../../../db/schema/ai.js";
import type { ChatUsage } from "../llm/chat.js";

export interface DraftPassage {
  /** Stable id the model must cite (the chunk id). */
  chunkId: string;
  articleId: string;
  slug: string;
  title: string;
  url: string;
  text: string;
  score: number;
}

export interface DraftRequest {
  customerName: string | null;
  subject: string;
  /** The public conversation, oldest first: customer and agent messages only, never notes. */
  conversation: { authorType: "customer" | "agent" | "ai" | "system"; body: string }[];
  /** The customer message being answered. */
  question: string;
  passages: DraftPassage[];
  /** Calibrated retrieval confidence that the top article answers the question. */
  retrievalConfidence: number;
}

export interface DraftAnswer {
  body: string;
  citations: DraftCitation[];
  confidence: number;
  usage?: ChatUsage;
}

export interface DraftModel {
  readonly provider: string;
  readonly model: string;
  draft(request: DraftRequest): Promise<DraftAnswer>;
}
