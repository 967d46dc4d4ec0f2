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

/**
 * A private redis-server on `port` (no persistence) that a test may stop and restart at will —
 * never the shared one other test files use.
 */
export async function startPrivateRedis(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const { Redis } = await import("ioredis");
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") {
        client.disconnect();
        break;
      }
    } catch {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
