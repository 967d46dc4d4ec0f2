import { sql } from "drizzle-orm";
import { actorId, dbRole, type Actor } from "../src/auth/actor.js";
import type { Database, Transaction } from "./client.js";

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
    await tx.execute(
      sql`select set_config('app.user_id', ${actorId(actor) ?? ""}, true), set_config('app.role', ${dbRole(actor)}, true), set_config('role', ${APP_DB_ROLE}, true)`,
    );
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
  await tx.execute(sql`select set_config('app.role', 'system', true), set_config('app.user_id', '', true)`);
}
