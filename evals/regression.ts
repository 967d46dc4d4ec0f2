// The regression gate's fast subsets (test/evals/regression.test.ts runs them inside `npm test`)
// and the comparison with the figures recorded in evals/RESULTS.md, in a fenced block:
//
//   ```json regression-baseline
//   { "tolerance": 0.02, "subsets": { "<subset>": { "<metric>": 0.93, … }, … } }
//   ```
//
// Every metric here is higher-is-better; a subset fails when any metric is more than the
// tolerance below its recorded figure. To re-record: `npx tsx evals/regression.ts <data dir> --runs 3`.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DatabaseHandle } from "../db/client.js";
import type { Config } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import { datasetAt } from "./datasets.js";
import { evalClassify } from "./run-classify.js";
import { evalDrafts } from "./run-drafts.js";
import { evalRetrieval } from "./run-retrieval.js";

export type Figures = Record<string, number>;

export interface Subset {
  name: string;
  /** Dataset folder relative to the data root. */
  path: string;
  run(ctx: SubsetContext): Promise<Figures>;
}

export interface SubsetContext {
  config: Config;
  logger: Logger;
  dataDir: string;
  openDatabase?: () => Promise<DatabaseHandle>;
}

const dataset = (ctx: SubsetContext, path: string) => datasetAt(join(ctx.dataDir, path));

export const REGRESSION_SUBSETS: Subset[] = [
  {
    name: "banking77-dev classify, train 1500 / test 500",
    path: "classify/banking77-dev",
    async run(ctx) {
      const [local] = await evalClassify({ ...ctx.config, OPENAI_API_KEY: undefined }, dataset(ctx, this.path), { trainLimit: 1500, limit: 500 });
      return { accuracy: local!.report.accuracy, macroF1: local!.report.macroF1 };
    },
  },
  {
    name: "stackfaq retrieval, 150 queries",
    path: "retrieval/stackfaq",
    async run(ctx) {
      const r = await evalRetrieval(ctx.config, ctx.logger, dataset(ctx, this.path), { limit: 150, openDatabase: ctx.openDatabase });
      return { recallAt1: r.system.recallAt1, recallAt5: r.system.recallAt5, mrrAt10: r.system.mrrAt10, ndcgAt10: r.system.ndcgAt10, answerRate: r.answerRate ?? 0 };
    },
  },
  {
    name: "bitext-kb drafts, learn 0.5, 200 queries",
    path: "retrieval/bitext-kb",
    async run(ctx) {
      const r = await evalDrafts(ctx.config, ctx.logger, dataset(ctx, this.path), { learn: 0.5, limit: 200, openDatabase: ctx.openDatabase });
      return {
        draftRate: 1 - (r.abstainRate ?? 1),
        citationAccuracy: r.citationAccuracy ?? 0,
        groundedness: r.groundedness ?? 0,
        tokenF1: r.tokenF1 ?? 0,
        rougeL: r.rougeL ?? 0,
      };
    },
  },
];

export interface Baseline {
  tolerance: number;
  subsets: Record<string, Figures>;
}

const BLOCK = /```json regression-baseline\r?\n([\s\S]*?)```/;

export function parseBaseline(markdown: string): Baseline {
  const match = BLOCK.exec(markdown);
  if (!match) throw new Error("no ```json regression-baseline block in RESULTS.md");
  const parsed = JSON.parse(match[1]!) as Baseline;
  if (typeof parsed.tolerance !== "number" || typeof parsed.subsets !== "object") throw new Error("regression-baseline needs { tolerance, subsets }");
  return parsed;
}

export interface Regression {
  metric: string;
  recorded: number;
  measured: number | undefined;
}

/** Metrics more than `tolerance` below their recorded figure, or recorded but no longer measured. */
export function regressions(measured: Figures, recorded: Figures, tolerance: number): Regression[] {
  return Object.entries(recorded)
    .filter(([metric, value]) => {
      const now = measured[metric];
      return now === undefined || !Number.isFinite(now) || now < value - tolerance - 1e-9;
    })
    .map(([metric, value]) => ({ metric, recorded: value, measured: measured[metric] }));
}

const round4 = (figures: Figures) => Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));

// Direct run: measure every subset `runs` times (search breaks score ties by random uuids, so
// figures with learned questions move a little between runs; see RESULTS.md) and print the means
// as a block to paste into RESULTS.md, with each metric's spread on stderr.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { parseArgs } = await import("node:util");
  const { loadConfig } = await import("../src/config.js");
  const { createLogger } = await import("../src/logger.js");
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: "string", default: "1" } } });
  const runs = Math.max(1, Number(values.runs));
  const config = { ...loadConfig({ LOG_LEVEL: "warn" }), aiProvider: "local" as const };
  const ctx: SubsetContext = { config, logger: createLogger(config), dataDir: positionals[0] ?? join(process.cwd(), "..", "shared", "data") };
  const subsets: Baseline["subsets"] = {};
  for (const s of REGRESSION_SUBSETS) {
    const all: Figures[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      all.push(await s.run(ctx));
      process.stderr.write(`${s.name} run ${i + 1}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    const mean: Figures = {};
    for (const metric of Object.keys(all[0]!)) {
      const xs = all.map((f) => f[metric]!);
      mean[metric] = xs.reduce((a, b) => a + b, 0) / xs.length;
      if (runs > 1) process.stderr.write(`  ${metric}: min ${Math.min(...xs).toFixed(4)} max ${Math.max(...xs).toFixed(4)}\n`);
    }
    subsets[s.name] = round4(mean);
  }
  process.stdout.write(`\`\`\`json regression-baseline\n${JSON.stringify({ tolerance: 0.02, subsets }, null, 2)}\n\`\`\`\n`);
}
