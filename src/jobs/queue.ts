/** What the rest of the app sees of the job system, whichever driver runs it. */
export interface JobQueue {
  readonly driver: "inline" | "bullmq";
  /** Throws when the queue cannot accept work (health check). */
  ping(): Promise<void>;
  /** Begin moving work (draining the outbox, dispatching to Redis). */
  start(): void;
  /** Ask for the outbox to be looked at now rather than at the next poll. */
  notify(): void;
  /** Stop taking new work and wait for what is in flight. */
  close(): Promise<void>;
}
