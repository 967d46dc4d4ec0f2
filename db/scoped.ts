import { sql } from "drizzle-orm";
import { actorId, dbRole, type Actor } from "../src/auth/actor.js";
import type { Database, Transaction } from "./client.js";
import { simpleQueryOf } from "./pglite.js";

/** The non-superuser role every scoped transaction switches to, so RLS policies apply. */
export const APP_DB_ROLE = "autocrm_app";

/**
 * Runs `fn` in a transaction as `actor`: SET LOCAL ROLE autocrm_app plus transaction-local
 * app.user_id / app.role, which the row-level security policies read (0002 migration).
 * Everything a service does on behalf of someone goes through here, so a query that forgets
 * its filter still cannot see past the policies.
 */
export function runAs<T>(db: Database, actor: Actor, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setLocal(tx, { "app.user_id": actorId(actor) ?? "", "app.role": dbRole(actor), role: APP_DB_ROLE });
    return fn(tx);
  });
}

/**
 * Inside a runAs transaction, act as the system from here on. For the few writes the caller
 * may cause but the policies cannot express: the service has already checked, as the caller,
 * that they may see the rows involved (e.g. an agent hands a ticket to another team, which
 * takes it out of their own sight; a visitor's "helpful" vote moves an article's counter).
 */
export async function elevateToSystem(tx: Transaction): Promise<void> {
  await setLocal(tx, { "app.role": "system", "app.user_id": "" });
}

// Setting names and values that need no quoting beyond the single quotes around them.
const PLAIN = /^[A-Za-z0-9_.-]*$/;

/**
 * Transaction-local settings, in one statement. Every request's transaction starts with it, so on
 * PGlite it goes as literal text through the simple protocol when every name and value is plain
 * (ids, roles); anything else is sent as parameters.
 */
async function setLocal(tx: Transaction, settings: Record<string, string>): Promise<void> {
  const entries = Object.entries(settings);
  const simple = simpleQueryOf(tx);
  if (simple && entries.every(([name, value]) => PLAIN.test(name) && PLAIN.test(value))) {
    await simple(`select ${entries.map(([name, value]) => `set_config('${name}', '${value}', true)`).join(", ")}`);
    return;
  }
  await tx.execute(sql`select ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`), sql`, `)}`);
}
