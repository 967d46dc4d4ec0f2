import { eq, inArray } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { classifierModels } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import { TextClassifier, type TextClassifierJSON } from "../../ai/classifier/model.js";
import type { LocalClassifiers } from "../../ai/triage/local.js";

// Parsed models by row id: a model is immutable once stored, so parsing it once per process
// is enough, and a newly activated version is picked up on the next lookup.
const parsed = new Map<string, TextClassifier>();

/**
 * The active learned models (priority, team), if any have been trained. Triage asks on every
 * ticket, so only ids and versions are read each time; a model's stored parameters (megabytes
 * when it carries the network family) are read once, when this process first meets that row.
 */
export async function loadActiveClassifiers(db: Database): Promise<LocalClassifiers> {
  return runAs(db, SYSTEM, async (tx) => {
    const active = await tx
      .select({ id: classifierModels.id, target: classifierModels.target, version: classifierModels.version })
      .from(classifierModels)
      .where(eq(classifierModels.isActive, true));
    const missing = active.filter((row) => !parsed.has(row.id)).map((row) => row.id);
    if (missing.length > 0) {
      const stored = await tx
        .select({ id: classifierModels.id, params: classifierModels.params })
        .from(classifierModels)
        .where(inArray(classifierModels.id, missing));
      if (parsed.size + stored.length > 8) parsed.clear();
      for (const row of stored) parsed.set(row.id, TextClassifier.fromJSON(row.params as TextClassifierJSON));
    }
    const out: LocalClassifiers = {};
    for (const row of active) {
      const classifier = parsed.get(row.id);
      if (classifier) out[row.target] = { version: row.version, classifier };
    }
    return out;
  });
}
