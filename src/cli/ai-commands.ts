import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { createRuntime } from "../runtime.js";
import { trainTriageModel } from "../services/triage/training.js";

/** `autocrm ai train`: retrain the local priority and team classifiers from confirmed tickets now. */
export async function aiTrainCommand(config: Config, logger: Logger): Promise<void> {
  const runtime = await createRuntime(config, logger, { migrate: true });
  try {
    for (const target of ["priority", "team"] as const) {
      const r = await trainTriageModel(runtime.database.db, target);
      process.stdout.write(
        r.trained
          ? `${target}: version ${r.version} active, trained on ${r.examples} tickets over ${r.labels} labels${r.cvAccuracy === undefined ? "" : `, cross-validated accuracy ${r.cvAccuracy}`}\n`
          : `${target}: not trained (${r.reason}; found ${r.examples} over ${r.labels} labels)\n`,
      );
    }
  } finally {
    await runtime.close();
  }
}
