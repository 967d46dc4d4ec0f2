import { randomUUID } from "node:crypto";
import { inject } from "vitest";

/** The run's Redis (found or started by global-setup). */
export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A BullMQ key prefix no other test file uses, so files can share one Redis. */
export function uniqueQueuePrefix(): string {
  return `autocrm-test-${randomUUID().slice(0, 8)}`;
}
