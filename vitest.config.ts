import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the migrated template database once and finds (or starts) Redis once per run.
    globalSetup: ["test/harness/global-setup.ts"],
    // Real databases in WASM: processes, not threads, so one file's crash cannot take another down.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
