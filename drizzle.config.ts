import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this (no database needed); migrations are applied by
// `autocrm migrate` with drizzle-orm's programmatic migrator, which works on PGlite too.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  casing: undefined,
});
