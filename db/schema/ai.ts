import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, ts, updatedAt } from "./columns.js";
import { ANSWER_OUTCOMES, DRAFT_STATUSES, inList, type AnswerOutcome, type DraftStatus } from "./enums.js";
import { ticketMessages, tickets } from "./tickets.js";
import { users } from "./users.js";

/** One row per AI call (triage, draft, embed, answer…): the log admins review. */
export const aiRuns = pgTable(
  "ai_runs",
  {
    id: id(),
    kind: text("kind").notNull(),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    input: jsonb("input"),
    output: jsonb("output"),
    confidence: real("confidence"),
    latencyMs: integer("latency_ms").notNull().default(0),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [
    index("ai_runs_kind_created_idx").on(t.kind, t.createdAt),
    index("ai_runs_ticket_idx").on(t.ticketId),
  ],
);

export interface DraftCitation {
  articleId: string;
  chunkId: string;
  slug: string;
  title: string;
  /** The draft's sentences taken from (or supported by) this passage: every claim is traceable. */
  sentences?: string[];
}

export const aiDrafts = pgTable(
  "ai_drafts",
  {
    id: id(),
    ticketId: uuid("ticket_id").notNull().references(() => tickets.id, { onDelete: "cascade" }),
    /** The customer message this draft answers; unique so a retried job cannot draft twice. */
    messageId: uuid("message_id").references(() => ticketMessages.id, { onDelete: "set null" }),
    runId: uuid("run_id").references(() => aiRuns.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    citations: jsonb("citations").$type<DraftCitation[]>().notNull().default([]),
    confidence: real("confidence").notNull(),
    status: text("status").$type<DraftStatus>().notNull().default("pending"),
    reviewerId: uuid("reviewer_id").references(() => users.id, { onDelete: "set null" }),
    finalBody: text("final_body"),
    editDistance: real("edit_distance"),
    rejectReason: text("reject_reason"),
    reviewedAt: ts("reviewed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("ai_drafts_message_key").on(t.messageId),
    index("ai_drafts_ticket_idx").on(t.ticketId, t.createdAt),
    index("ai_drafts_status_idx").on(t.status, t.createdAt),
    check("ai_drafts_status_check", sql.raw(`status IN (${inList(DRAFT_STATUSES)})`)),
  ],
);

/** Human corrections of AI output: draft reviews, priority/team overrides, ratings. */
export const aiFeedback = pgTable(
  "ai_feedback",
  {
    id: id(),
    kind: text("kind").$type<"draft_review" | "override" | "rating">().notNull(),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "cascade" }),
    draftId: uuid("draft_id").references(() => aiDrafts.id, { onDelete: "cascade" }),
    runId: uuid("run_id").references(() => aiRuns.id, { onDelete: "set null" }),
    field: text("field"),
    aiValue: jsonb("ai_value"),
    humanValue: jsonb("human_value"),
    editDistance: real("edit_distance"),
    rating: integer("rating"),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("ai_feedback_kind_created_idx").on(t.kind, t.createdAt), index("ai_feedback_ticket_idx").on(t.ticketId)],
);

/** Instant-answer queries: what was asked, what we suggested, and how it ended (deflection). */
export const answerSessions = pgTable(
  "answer_sessions",
  {
    id: id(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    question: text("question").notNull(),
    results: jsonb("results").$type<unknown[]>().notNull().default([]),
    confidence: real("confidence").notNull().default(0),
    abstained: boolean("abstained").notNull(),
    outcome: text("outcome").$type<AnswerOutcome>(),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("answer_sessions_created_idx").on(t.createdAt),
    index("answer_sessions_user_idx").on(t.userId),
    check("answer_sessions_outcome_check", sql.raw(`outcome IS NULL OR outcome IN (${inList(ANSWER_OUTCOMES)})`)),
  ],
);

/** Learned local classifiers, versioned; exactly one active per target. */
export const classifierModels = pgTable(
  "classifier_models",
  {
    id: id(),
    target: text("target").$type<"priority" | "team">().notNull(),
    version: integer("version").notNull(),
    algorithm: text("algorithm").notNull(),
    params: jsonb("params").notNull(),
    metrics: jsonb("metrics").$type<Record<string, number>>().notNull().default({}),
    trainingSize: integer("training_size").notNull(),
    isActive: boolean("is_active").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("classifier_models_target_version_key").on(t.target, t.version),
    uniqueIndex("classifier_models_active_key").on(t.target).where(sql`is_active`),
  ],
);
