// The eval regression gate: fast subsets of the canonical datasets through the real eval code
// (evals/regression.ts), each metric compared with the figure recorded in evals/RESULTS.md.
// The datasets are not in the repository: AUTOCRM_DATA_DIR, else ../shared/data beside it;
// when they are not there the subsets are skipped, saying why (never passed silently).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REGRESSION_SUBSETS, parseBaseline, regressions } from "../../evals/regression.js";
import { createLogger } from "../../src/logger.js";
import { testConfig } from "../harness/app.js";
import { createTestDatabase } from "../harness/database.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
// AUTOCRM_DATA_DIR when set (and then only it), else ../shared/data beside the repository.
const dataDir = process.env.AUTOCRM_DATA_DIR || join(repo, "..", "shared", "data");
const baseline = parseBaseline(readFileSync(join(repo, "evals", "RESULTS.md"), "utf8"));
const config = testConfig({ AI_PROVIDER: "local" });
const logger = createLogger(config);

describe("eval regression gate (no metric more than the tolerance below evals/RESULTS.md)", () => {
  for (const subset of REGRESSION_SUBSETS) {
    it(subset.name, async (ctx) => {
      const dir = join(dataDir, subset.path);
      if (!existsSync(dir)) {
        const reason = `eval data not found: no ${dir} (set AUTOCRM_DATA_DIR to the canonical datasets to run the regression gate)`;
        console.warn(`SKIPPED ${subset.name}: ${reason}`);
        ctx.skip(reason);
      }
      const recorded = baseline.subsets[subset.name];
      expect(recorded, `evals/RESULTS.md records no figures for "${subset.name}"`).toBeDefined();
      const measured = await subset.run({ config, logger, dataDir, openDatabase: createTestDatabase });
      console.log(`${subset.name}: ${JSON.stringify(measured)}`);
      expect(regressions(measured, recorded!, baseline.tolerance)).toEqual([]);
    }, 240_000);
  }
});
