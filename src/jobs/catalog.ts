import { z } from "zod";

/**
 * The job catalog: every background job's name, payload schema and retry policy, in one place.
 * Both queue drivers (inline for embedded mode, BullMQ for server mode) read it, so they cannot
 * drift. Payloads carry ids only, never ticket text.
 */
export interface JobDefinition<P extends z.ZodType = z.ZodType> {
  payload: P;
  /** BullMQ queue the job runs on; workers subscribe by queue (`autocrm worker --queues`). */
  queue: string;
  attempts: number;
  /** Base delay of exponential backoff between attempts. */
  backoffMs: number;
  timeoutMs: number;
}

const uuid = z.uuid();

export const jobCatalog = {
  "kb.embed": {
    payload: z.object({ articleId: uuid, version: z.number().int().positive() }),
    queue: "kb",
    attempts: 5,
    backoffMs: 2_000,
    timeoutMs: 120_000,
  },
  "ticket.triage": {
    payload: z.object({ ticketId: uuid }),
    queue: "ai",
    attempts: 5,
    backoffMs: 2_000,
    timeoutMs: 60_000,
  },
  "ticket.draft": {
    payload: z.object({ ticketId: uuid, messageId: uuid }),
    queue: "ai",
    attempts: 5,
    backoffMs: 2_000,
    timeoutMs: 60_000,
  },
  /** Repeatable (src/jobs/repeatable.ts): writes ticket.sla_breached events for deadlines just missed. */
  "sla.check": {
    payload: z.object({}),
    queue: "maintenance",
    attempts: 3,
    backoffMs: 5_000,
    timeoutMs: 60_000,
  },
  "ai.learn": {
    payload: z.object({}),
    queue: "maintenance",
    attempts: 2,
    backoffMs: 60_000,
    timeoutMs: 15 * 60_000,
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]["payload"]>;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalog, name);
}
