import type { Logger } from "../logger.js";
import type { JobName, JobPayload } from "./catalog.js";

export interface JobContext {
  /** Outbox id = BullMQ job id: stable across retries and re-dispatch. */
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  logger: Logger;
}

export type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<void>;

/** The processors a process can run. A job without one waits in the outbox for a process that has it. */
export type Processors = { [N in JobName]?: Processor<N> };

/** Exponential backoff shared by both drivers: base, 2×base, 4×base… */
export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
