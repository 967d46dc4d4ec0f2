import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { migrateCommand, seedCommand, serveCommand, workerCommand } from "./cli/commands.js";
import { aiTrainCommand } from "./cli/ai-commands.js";
import { evalCommand } from "./cli/eval-commands.js";
import { kbImportCommand, kbReindexCommand } from "./cli/kb-commands.js";

const USAGE = `usage: autocrm <command>

  start     API on PORT plus the background job runner (embedded by default, with demo data)
  api       API only (server mode: run workers separately)
  worker    job processors only (server mode); --queues ai,kb to pick queues
  migrate   apply database migrations
  seed      load the demo organisation (idempotent)
  kb import <dir | articles.jsonl>   import markdown (front matter) or canonical jsonl articles, then index them
  kb reindex [--force]               re-embed chunks made by another model or out of date
  ai train                           retrain the local triage classifiers from agent-confirmed tickets
  eval [classify|retrieval|drafts] (--data <dir> | --all <root>)   measure the AI on canonical datasets
                                     (autocrm eval --help for the options)
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { help: { type: "boolean", short: "h" }, queues: { type: "string" }, force: { type: "boolean" } } });
  const [command] = positionals;
  // `eval` has options and a help text of its own.
  if (!command || (values.help && command !== "eval")) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger(config);

  switch (command) {
    case "start":
      await serveCommand(config, logger, { runJobs: true });
      return 0;
    case "api":
      await serveCommand(config, logger, { runJobs: false });
      return 0;
    case "worker":
      await workerCommand(config, logger, typeof values.queues === "string" ? values.queues.split(",").map((q) => q.trim()).filter(Boolean) : undefined);
      return 0;
    case "migrate":
      await migrateCommand(config, logger);
      return 0;
    case "seed":
      await seedCommand(config, logger);
      return 0;
    case "kb": {
      const [, sub, arg] = positionals;
      if (sub === "import") await kbImportCommand(config, logger, arg);
      else if (sub === "reindex") await kbReindexCommand(config, logger, values.force === true);
      else {
        process.stderr.write(`unknown kb command "${sub ?? ""}"\n${USAGE}`);
        return 2;
      }
      return 0;
    }
    case "ai": {
      if (positionals[1] !== "train") {
        process.stderr.write(`unknown ai command "${positionals[1] ?? ""}"\n${USAGE}`);
        return 2;
      }
      await aiTrainCommand(config, logger);
      return 0;
    }
    case "eval":
      return evalCommand(config, argv.slice(argv.indexOf("eval") + 1));
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`autocrm: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
