import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { inject } from "vitest";
import { openDatabase, pgliteOptions, type DatabaseHandle } from "../../db/client.js";

/** A fresh, migrated PGlite for one test file: the run's template loaded into a new instance. */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const dump = new Blob([readFileSync(inject("templatePath"))]);
  const pglite = await PGlite.create(pgliteOptions({ loadDataDir: dump }));
  return openDatabase({ pglite });
}
