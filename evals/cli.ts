// `autocrm eval …`: argument handling and the loop over datasets. Each eval runs the product's
// own services on a fresh in-memory database with the local provider (the openai classifier also
// runs when OPENAI_API_KEY is set); results are printed, and written by --json / --report.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Config } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { datasetAt, findDatasets, loadRetrieval, type DatasetRef } from "./datasets.js";
import { stderrProgress } from "./progress.js";
import { writeMarkdownReport } from "./report/markdown.js";
import { resultText } from "./report/text.js";
import type { EvalResult, EvalRun } from "./results.js";
import { evalClassify } from "./run-classify.js";
import { evalDrafts } from "./run-drafts.js";
import { evalRetrieval } from "./run-retrieval.js";

export const EVAL_USAGE = `usage: autocrm eval [classify | retrieval | drafts] (--data <dir> | --all <root>) [options]

  classify    train the local classifier on train.jsonl, predict test.jsonl (and ask the openai
              provider too when OPENAI_API_KEY is set)
  retrieval   import articles.jsonl, run queries.jsonl through search and instant answers (+ BM25)
  drafts      draft replies to the queries with a reference answer (and to unanswerable ones), score them
  (none)      every eval that fits each dataset folder

  --data <dir>        one dataset folder in the canonical format (kind told by its files)
  --all <root>        every dataset folder up to two levels under root
  --learn <fraction>  retrieval/drafts: feed this share of the queries as learned questions first
  --limit <n>         evaluate at most n test rows / queries (a fixed sample by id hash)
  --train-limit <n>   classify: train on at most n rows (same kind of sample)
  --json <file>       write all results as JSON
  --report <file.md>  write a markdown report, with SVG charts in <file>-charts/
`;

type Kind = "classify" | "retrieval" | "drafts";
const KINDS: Kind[] = ["classify", "retrieval", "drafts"];

export interface EvalArgs {
  kind: Kind | null;
  datasets: DatasetRef[];
  learn: number;
  limit?: number;
  trainLimit?: number;
  json?: string;
  report?: string;
}

export function parseEvalArgs(argv: string[]): EvalArgs {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      all: { type: "string" },
      learn: { type: "string" },
      limit: { type: "string" },
      "train-limit": { type: "string" },
      json: { type: "string" },
      report: { type: "string" },
    },
  });
  const [first, ...rest] = positionals;
  if (rest.length) throw new Error(`unexpected argument "${rest[0]}"`);
  if (first !== undefined && !KINDS.includes(first as Kind)) throw new Error(`unknown eval "${first}" (classify, retrieval or drafts)`);
  const kind = (first as Kind | undefined) ?? null;
  if (!values.data === !values.all) throw new Error("give exactly one of --data <dir> or --all <root>");
  const learn = values.learn === undefined ? 0 : Number(values.learn);
  if (!(learn >= 0 && learn < 1)) throw new Error("--learn must be a fraction in [0, 1)");
  const count = (flag: "limit" | "train-limit") => {
    const v = values[flag] === undefined ? undefined : Number(values[flag]);
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`--${flag} must be a positive integer`);
    return v;
  };
  const limit = count("limit");
  const trainLimit = count("train-limit");

  let datasets = values.data ? [datasetAt(values.data)] : findDatasets(values.all!);
  const wanted = kind === "classify" ? "classify" : kind === null ? null : "retrieval";
  if (values.data && wanted && datasets[0]!.kind !== wanted) throw new Error(`${values.data} is a ${datasets[0]!.kind} dataset; "eval ${kind}" needs ${wanted} data`);
  if (wanted) datasets = datasets.filter((d) => d.kind === wanted);
  if (datasets.length === 0) throw new Error(`no ${wanted ?? ""} dataset folders under ${values.all}`.replace("  ", " "));
  return { kind, datasets, learn, limit, trainLimit, json: values.json, report: values.report };
}

/** The evals to run on a folder: the one asked for, or all that fit (drafts need reference answers). */
function evalsFor(dataset: DatasetRef, kind: Kind | null): Kind[] {
  if (kind) return [kind];
  if (dataset.kind === "classify") return ["classify"];
  return loadRetrieval(dataset.dir).queries.some((q) => q.answer) ? ["retrieval", "drafts"] : ["retrieval"];
}

export async function runEvalCli(baseConfig: Config, argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(EVAL_USAGE);
    return 0;
  }
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${EVAL_USAGE}`);
    return 2;
  }
  // Figures are for the local provider whatever the environment says; quiet logs keep stdout readable.
  const config: Config = { ...baseConfig, aiProvider: "local", LOG_LEVEL: "warn" };
  const logger = createLogger(config);
  const run: EvalRun = { startedAt: new Date().toISOString(), command: `autocrm eval ${argv.join(" ")}`, results: [] };
  let failed = 0;
  for (const dataset of args.datasets) {
    for (const kind of evalsFor(dataset, args.kind)) {
      const options = { learn: args.learn, limit: args.limit, trainLimit: args.trainLimit, progress: stderrProgress(`${dataset.name} ${kind}`) };
      try {
        const results: EvalResult[] =
          kind === "classify"
            ? await evalClassify(config, dataset, options)
            : kind === "retrieval"
              ? [await evalRetrieval(config, logger, dataset, options)]
              : [await evalDrafts(config, logger, dataset, options)];
        for (const r of results) {
          process.stdout.write(`${resultText(r)}\n`);
          run.results.push(r);
        }
      } catch (err) {
        failed++;
        process.stderr.write(`eval ${kind} ${dataset.dir} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
    }
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify(run, null, 2)}\n`);
  if (args.report) writeMarkdownReport(args.report, run);
  return failed ? 1 : 0;
}
