import type { Processors } from "../src/jobs/processors.js";
import { flagSlaBreaches } from "../src/services/tickets/sla-breaches.js";
import { trainTriageModel } from "../src/services/triage/training.js";
import type { ProcessorDeps } from "./processors.js";

/** Housekeeping jobs on the "maintenance" queue, run on a schedule (src/jobs/repeatable.ts). */
export function createMaintenanceProcessors(deps: Pick<ProcessorDeps, "database">): Processors {
  return {
    "sla.check": async (_payload, job) => {
      const result = await flagSlaBreaches(deps.database.db, new Date());
      if (result.flagged > 0) job.logger.info(result, "SLA breaches flagged");
    },
    "ai.learn": async (_payload, job) => {
      for (const target of ["priority", "team"] as const) {
        job.logger.info(await trainTriageModel(deps.database.db, target, { signal: job.signal }), "triage classifier training");
      }
    },
  };
}
