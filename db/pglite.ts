import { mkdirSync } from "node:fs";
import { PGlite, types, type PGliteOptions, type QueryOptions, type Transaction as PgliteTransaction } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { vector } from "@electric-sql/pglite-pgvector";

export const pgliteExtensions = { vector, pg_trgm };

const asText = (value: string) => value;

/**
 * The result parsers drizzle's PGlite driver asks for on every query: dates, times and intervals
 * (and their arrays) stay as the text Postgres sent, which drizzle's columns then map.
 * Set once on the instance instead (pgliteOptions), they cost nothing per query: a per-query
 * `parsers` option makes PGlite merge it into its whole parser table for each statement, which
 * measured ~0.1 ms per select and ~0.6 ms per transaction on this machine — a large share of an
 * API request on embedded PGlite (bench/README.md).
 */
const DRIZZLE_PARSERS: Record<number, (value: string) => string> = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.INTERVAL]: asText,
  [types.DATE]: asText,
  1231: asText, // numeric[]
  1115: asText, // timestamp[]
  1185: asText, // timestamptz[]
  1187: asText, // interval[]
  1182: asText, // date[]
};

const SCALAR_OIDS = [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE];

/** Options for every PGlite this project opens: its extensions and the parsers drizzle needs. */
export function pgliteOptions(extra: PGliteOptions = {}): PGliteOptions {
  return { ...extra, extensions: pgliteExtensions, parsers: DRIZZLE_PARSERS };
}

export async function openPglite(dataDir?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir, pgliteOptions());
}

const SIMPLE_QUERY = Symbol("simple-query");

/** What drizzle's PGlite session calls on its client (and `exec`, for simpleQueryOf). */
interface QueryClient {
  [SIMPLE_QUERY]: boolean;
  query: PGlite["query"];
  exec: PGlite["exec"];
  transaction<T>(fn: (tx: QueryClient) => Promise<T>): Promise<T>;
}

/**
 * The client to hand drizzle: the instance itself, minus the per-query parsers drizzle passes —
 * only when the instance already applies the same ones (opened with pgliteOptions). An instance
 * opened some other way gets drizzle's per-query parsers as usual.
 */
export function drizzleClient(pglite: PGlite): PGlite {
  const own = (pglite as unknown as { parsers: Record<number, unknown> }).parsers;
  // Array types are left out: PGlite re-registers their parsers at start-up as "parse the array,
  // each element with its element type's parser", so a timestamp[] arrives as an array of the
  // same texts, which drizzle's array columns take as readily as the array literal.
  const sameParsers = SCALAR_OIDS.every((oid) => own[oid] === DRIZZLE_PARSERS[oid]);
  if (!sameParsers) return pglite;
  // Only a transaction's client is marked for simpleQueryOf: transaction-local settings sent on
  // the top-level client would end with their own one-statement transaction, silently.
  const wrap = (target: PGlite | PgliteTransaction, inTransaction: boolean): QueryClient => ({
    [SIMPLE_QUERY]: inTransaction,
    query: <T>(query: string, params?: unknown[], options?: QueryOptions) => target.query<T>(query, params, withoutParsers(options)),
    exec: (query, options) => target.exec(query, options),
    transaction: (fn) => (target as PGlite).transaction((tx) => fn(wrap(tx, true))),
  });
  return wrap(pglite, false) as unknown as PGlite;
}

function withoutParsers(options: QueryOptions | undefined): QueryOptions | undefined {
  if (!options?.parsers) return options;
  const { parsers: _ignored, ...rest } = options;
  return rest;
}

/**
 * For a drizzle transaction on a client made by drizzleClient: runs SQL text without parameters
 * through PGlite's simple query protocol, one message into the WASM module instead of the six of
 * a parameterised query (~0.15 ms less on this machine). Undefined for any other driver; the
 * caller then uses tx.execute. (drizzle keeps its client on the transaction's `session`.)
 */
export function simpleQueryOf(tx: object): ((text: string) => Promise<unknown>) | undefined {
  const client = (tx as { session?: { client?: Partial<QueryClient> } }).session?.client;
  return client?.[SIMPLE_QUERY] && client.exec ? (text) => client.exec!(text) : undefined;
}
