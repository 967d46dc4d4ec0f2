import { eq } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { classifierModels } from "../../../db/schema/index.js";
import { SYSTEM } from "../../auth/actor.js";
import { TextClassifier, type TextClassifierJSON } from "../../ai/classifier/model.js";
import type { LocalClassifiers } from "../../ai/triage/local.js";

// Parsed models by row id: a model is immutable once stored, so parsing it once per process
// is enough, and a newly activated version is picked up on the next lookup.
const parsed = new Map<string, TextClassifier>();

/** The active learned models (priority, team), if any have been trained. */
export async function loadActiveClassifiers(db: Database): Promise<LocalClassifiers> {
  const rows = await runAs(db, SYSTEM, (tx) => tx.select().from(classifierModels).where(eq(classifierModels.isActive, true)));
  const out: LocalClassifiers = {};
  for (const row of rows) {
    let classifier = parsed.get(row.id);
    if (!classifier) {
      classifier = TextClassifier.fromJSON(row.params as TextClassifierJSON);
      if (parsed.size > 8) parsed.clear();
      parsed.set(row.id, classifier);
    }
    out[row.target] = { version: row.version, classifier };
  }
  return out;
}
