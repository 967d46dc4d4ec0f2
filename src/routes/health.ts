import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.js";
import type { AppDeps } from "../deps.js";

const check = z.object({
  status: z.enum(["ok", "down"]),
  latencyMs: z.number(),
  error: z.string().optional(),
});

const health = z
  .object({
    status: z.enum(["ok", "degraded", "down"]),
    mode: z.enum(["embedded", "server"]),
    checks: z.object({ database: check.extend({ driver: z.string() }), queue: check.extend({ driver: z.string() }) }),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness and readiness of the database and the job queue",
  description:
    "200 while the database answers (a queue outage is `degraded`: tickets are still accepted into the outbox); 503 when the database is down.",
  responses: {
    200: { description: "Serving", content: { "application/json": { schema: health } } },
    503: { description: "Database unreachable", content: { "application/json": { schema: health } } },
  },
});

async function probe(fn: () => Promise<void>): Promise<z.infer<typeof check>> {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 2000 ms")), 2000).unref())]);
    return { status: "ok", latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: "down", latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}

export function registerHealthRoutes(app: App, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const [database, queue] = await Promise.all([probe(() => deps.database.ping()), probe(() => deps.queue.ping())]);
    const status = database.status === "down" ? "down" : queue.status === "down" ? "degraded" : "ok";
    const body = {
      status,
      mode: deps.config.embedded ? "embedded" : "server",
      checks: { database: { ...database, driver: deps.database.driver }, queue: { ...queue, driver: deps.queue.driver } },
    } as const;
    return status === "down" ? c.json(body, 503) : c.json(body, 200);
  });
}
