import { z } from "zod";

// The one place that reads process.env. Parsed once at start-up; a bad value stops the
// process with a single line naming the variable (see formatConfigError).

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `expected a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

const fraction = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: "expected a number between 0 and 1" })
  .transform(Number);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(1, 65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  DATABASE_POOL_MAX: int(1, 200).default(10),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  JOB_DRIVER: z.enum(["auto", "inline", "bullmq"]).default("auto"),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, { error: "expected 1–50 letters, digits, - or _" }).default("autocrm"),
  WORKER_CONCURRENCY: int(1, 500).default(8),
  WORKER_LOCK_MS: int(1_000, 600_000).default(30_000),
  AI_RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(0),
  AI_PROVIDER: z.enum(["auto", "local", "openai"]).default("auto"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url(["http:", "https:"]).optional(),
  OPENAI_CHAT_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_EMBEDDING_MODEL: z.string().min(1).default("text-embedding-3-small"),
  OPENAI_TIMEOUT_MS: int(100, 600_000).default(30_000),
  AI_FALLBACK_LOCAL: bool.default(false),
  SEED_DEMO: bool.optional(),
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  ATTACHMENT_MAX_BYTES: int(1, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  UPLOAD_LIMIT_BYTES: int(1024, 500 * 1024 * 1024).default(25 * 1024 * 1024),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 30),
  SESSION_CACHE_SECONDS: int(0, 60).optional(),
  SHUTDOWN_TIMEOUT_MS: int(0, 120_000).default(10_000),
  ANSWER_CONFIDENCE_THRESHOLD: fraction.default(0.35),
  DRAFT_CONFIDENCE_THRESHOLD: fraction.default(0.35),
  TRIAGE_CONFIDENCE_THRESHOLD: fraction.default(0.5),
});

type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** Which database the process talks to. */
  dbDriver: "pglite" | "postgres";
  /** Which queue driver runs jobs. */
  jobDriver: "inline" | "bullmq";
  /** Which AI provider answers. */
  aiProvider: "local" | "openai";
  /** Embedded = PGlite + inline jobs: the zero-setup shape `npm start` runs. */
  embedded: boolean;
  /** Whether `start` loads the demo organisation into an empty database. */
  seedDemo: boolean;
  /** How long a resolved session is reused in-process; 0 = look it up on every request. */
  sessionCacheSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset": `FOO= npm start` should fall back to the default.
  const raw = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const got = raw[variable];
    throw new ConfigError(variable, `${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`);
  }
  const e = parsed.data;
  if (e.JOB_DRIVER === "bullmq" && !e.REDIS_URL) {
    throw new ConfigError("REDIS_URL", "is required when JOB_DRIVER=bullmq");
  }
  if (e.AI_PROVIDER === "openai" && !e.OPENAI_API_KEY) {
    throw new ConfigError("OPENAI_API_KEY", "is required when AI_PROVIDER=openai");
  }
  const dbDriver = e.DATABASE_URL ? "postgres" : "pglite";
  const jobDriver = e.JOB_DRIVER === "auto" ? (e.REDIS_URL ? "bullmq" : "inline") : e.JOB_DRIVER;
  const aiProvider = e.AI_PROVIDER === "auto" ? (e.OPENAI_API_KEY ? "openai" : "local") : e.AI_PROVIDER;
  const embedded = dbDriver === "pglite";
  // Embedded: this process owns the database, so the cache sees every revocation (exact). Server
  // mode: other API processes would not tell this one, so reuse is opt-in there.
  const sessionCacheSeconds = e.SESSION_CACHE_SECONDS ?? (embedded ? 30 : 0);
  return { ...e, dbDriver, jobDriver, aiProvider, embedded, seedDemo: e.SEED_DEMO ?? embedded, sessionCacheSeconds };
}
