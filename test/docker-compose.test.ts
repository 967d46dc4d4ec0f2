// Static checks of the server shape: docker-compose.yml and the Dockerfile.
// No Docker engine runs here, so this only guards the files against drifting from src/config.ts.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../src/config.js";

const root = new URL("../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  deploy?: { replicas?: number };
  ports?: unknown[];
  restart?: string;
};

const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
const services = compose.services;

/** Compose-style interpolation: `${VAR:-default}`/`${VAR-default}` become the default, `${VAR}` becomes "", `$$` is a literal `$`. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (match, _name, fallback) =>
    match === "$$" ? "$" : (fallback ?? ""),
  );
}

/** A service's environment as a plain map, interpolations resolved. */
function envOf(name: string): Record<string, string> {
  const env = services[name]?.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const i = line.indexOf("=");
        return i === -1 ? [line, ""] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, v == null ? "" : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v!)]));
}

function dependsOn(name: string): Record<string, string | undefined> {
  const deps = services[name]?.depends_on ?? {};
  return Array.isArray(deps)
    ? Object.fromEntries(deps.map((d) => [d, "service_started"]))
    : Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v?.condition ?? "service_started"]));
}

/** Variable names declared in envSchema in src/config.ts (loadConfig silently ignores unknown names). */
function configVariables(): Set<string> {
  const source = read("src/config.ts");
  const block = source.match(/const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/)?.[1];
  if (!block) throw new Error("could not find envSchema in src/config.ts");
  return new Set([...block.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}

describe("docker-compose.yml", () => {
  it("defines the server shape", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["postgres", "redis", "migrate", "api", "worker"]));
  });

  it("runs Postgres from a pgvector image", () => {
    expect(services.postgres!.image).toMatch(/^pgvector\/pgvector:/);
  });

  it("configures Redis for BullMQ: noeviction and append-only persistence", () => {
    const command = [services.redis!.command ?? []].flat().join(" ");
    expect(command).toMatch(/--maxmemory-policy\s+noeviction/);
    expect(command).toMatch(/--appendonly\s+yes/);
  });

  it.each(["migrate", "api", "worker"])("%s builds the local image and runs its CLI command", (name) => {
    expect(services[name]!.build).toBeDefined();
    expect([services[name]!.command].flat()).toEqual([name]);
  });

  it.each(["api", "worker", "migrate"])("%s points at Postgres and Redis", (name) => {
    const env = envOf(name);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(env.REDIS_URL).toMatch(/^redis:\/\//);
  });

  it("scales workers out", () => {
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it("publishes the API port and binds to all interfaces", () => {
    expect(services.api!.ports).toContain("3000:3000");
    expect(envOf("api").HOST).toBe("0.0.0.0");
  });

  it.each(["api", "postgres", "redis"])("%s has a healthcheck", (name) => {
    const hc = services[name]!.healthcheck;
    expect(hc?.disable).not.toBe(true);
    expect(hc?.test).toBeDefined();
  });

  it.each(["api", "worker"])("%s waits for healthy stores and finished migrations", (name) => {
    const deps = dependsOn(name);
    expect(deps.postgres).toBe("service_healthy");
    expect(deps.redis).toBe("service_healthy");
    expect(deps.migrate).toBe("service_completed_successfully");
  });

  it("migrates once Postgres is healthy and is not restarted", () => {
    expect(dependsOn("migrate").postgres).toBe("service_healthy");
    expect(String(services.migrate!.restart)).toBe("no");
  });

  it.each(["api", "worker", "migrate"])("%s sets only variables src/config.ts knows", (name) => {
    const known = configVariables();
    const env = envOf(name);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
  });

  it.each(["api", "worker"])("%s env loads as server mode (postgres + bullmq)", (name) => {
    const config = loadConfig(envOf(name));
    expect(config.dbDriver).toBe("postgres");
    expect(config.jobDriver).toBe("bullmq");
    expect(config.embedded).toBe(false);
    // OPENAI_API_KEY defaults to empty: the offline provider answers.
    expect(config.aiProvider).toBe("local");
  });

  it("switches to the OpenAI provider when OPENAI_API_KEY is provided", () => {
    const env = { ...envOf("api"), OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://ollama:11434/v1" };
    expect(loadConfig(env).aiProvider).toBe("openai");
  });
});

describe("Dockerfile", () => {
  const exists = existsSync(new URL("Dockerfile", root));
  const dockerfile = exists ? read("Dockerfile") : "";
  const instruction = (name: string) =>
    dockerfile.split("\n").filter((line) => line.trimStart().toUpperCase().startsWith(`${name} `)).at(-1) ?? "";

  it("exists", () => {
    expect(exists).toBe(true);
  });

  it("runs the CLI entry point, serving the API by default", () => {
    expect(`${instruction("ENTRYPOINT")} ${instruction("CMD")}`).toContain("src/main.ts");
    expect(instruction("CMD")).toMatch(/"api"/);
  });

  it("runs as the non-root node user and checks /health", () => {
    expect(instruction("USER")).toMatch(/^USER\s+node\s*$/);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health/);
  });
});
