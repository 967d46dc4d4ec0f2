import { UnrecoverableError } from "bullmq";
import type { Logger } from "../logger.js";
import { jobCatalog, type JobName, type JobPayload } from "./catalog.js";

export interface JobContext {
  /** Outbox id = BullMQ job id: stable across retries and re-dispatch. */
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  logger: Logger;
  /**
   * Aborted when the attempt times out. The attempt is already failed then; a processor that
   * starts work which outlives its promise (a worker thread) stops it on this signal.
   */
  signal?: AbortSignal;
}

export type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<void>;

/** The processors a process can run. A job without one waits in the outbox for a process that has it. */
export type Processors = { [N in JobName]?: Processor<N> };

/** Exponential backoff shared by both drivers: base, 2×base, 4×base… */
export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * Runs one attempt of a job the same way in both drivers: the payload is validated against the
 * catalog (a bad one can never succeed, so it is UnrecoverableError — BullMQ's own class, which
 * both drivers honour) and the attempt is bounded by the catalog's timeout.
 */
export async function runJob(processors: Processors, job: JobName, rawPayload: unknown, ctx: JobContext): Promise<void> {
  const def = jobCatalog[job];
  const processor = processors[job] as Processor<typeof job> | undefined;
  if (!processor) throw new UnrecoverableError(`no processor for ${job} in this process`);
  const payload = def.payload.safeParse(rawPayload);
  if (!payload.success) throw new UnrecoverableError(`invalid ${job} payload: ${payload.error.message}`);
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${job} timed out after ${def.timeoutMs} ms`);
      abort.abort(error);
      reject(error);
    }, def.timeoutMs);
  });
  try {
    await Promise.race([processor(payload.data as never, { ...ctx, signal: abort.signal }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
