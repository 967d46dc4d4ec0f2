import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("defaults to the embedded shape: PGlite, inline jobs, local AI, demo data", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, dbDriver: "pglite", jobDriver: "inline", aiProvider: "local", embedded: true, seedDemo: true });
  });

  it("switches to server mode when DATABASE_URL and REDIS_URL are set", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/x", REDIS_URL: "redis://r:6379", OPENAI_API_KEY: "sk-test" });
    expect(config).toMatchObject({ dbDriver: "postgres", jobDriver: "bullmq", aiProvider: "openai", embedded: false, seedDemo: false });
  });

  it("treats an empty value as unset", () => {
    expect(loadConfig({ PORT: "" }).PORT).toBe(3000);
  });

  it.each([
    ["PORT", "abc", /PORT expected a whole number/],
    ["PORT", "70000", /PORT must be at most 65535/],
    ["DATABASE_URL", "not-a-url", /DATABASE_URL expected a URL starting with postgres:/],
    ["REDIS_URL", "http://x", /REDIS_URL expected a URL/],
    ["AI_PROVIDER", "gpt", /AI_PROVIDER/],
    ["SEED_DEMO", "maybe", /SEED_DEMO expected true or false/],
    ["ANSWER_CONFIDENCE_THRESHOLD", "1.5", /ANSWER_CONFIDENCE_THRESHOLD expected a number between 0 and 1/],
  ])("rejects %s=%s with one line naming the variable", (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("requires the pieces a chosen driver needs", () => {
    expect(() => loadConfig({ JOB_DRIVER: "bullmq" })).toThrow(/REDIS_URL is required/);
    expect(() => loadConfig({ AI_PROVIDER: "openai" })).toThrow(/OPENAI_API_KEY is required/);
  });
});
