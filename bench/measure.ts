// Measuring helpers for the benches: a back-to-back loop, autocannon over HTTP, and the CPU time
// of the calling thread, so a rate can be read per CPU-second as well as per wall-clock second.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** A measured stretch: operations, wall and calling-thread CPU seconds, latency percentiles (ms). */
export interface Sample {
  count: number;
  seconds: number;
  cpuSeconds: number;
  p50: number;
  p99: number;
}

export const rate = (s: Sample) => s.count / s.seconds;
export const cpuRate = (s: Sample) => s.count / s.cpuSeconds;
/** Seconds per operation: CPU when known (off Linux there is none), else wall clock. */
export const secondsPerOp = (s: Sample) => (Number.isNaN(s.cpuSeconds) ? s.seconds : s.cpuSeconds) / s.count;

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds used so far by the main thread (whose task id is the pid), read from /proc: on a
 * busy machine other processes change the wall clock far more than this. NaN off Linux.
 */
export function threadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
  } catch {
    return NaN;
  }
}

export function percentiles(latencies: number[]): { p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Runs `op` back to back for `seconds`. */
export async function loop(seconds: number, op: () => Promise<unknown>): Promise<Sample & { latencies: number[] }> {
  const started = performance.now();
  const cpu = threadCpuSeconds();
  const end = started + seconds * 1000;
  const latencies: number[] = [];
  while (performance.now() < end) {
    const t = performance.now();
    await op();
    latencies.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  return { count: latencies.length, seconds: elapsed, cpuSeconds: threadCpuSeconds() - cpu, ...percentiles(latencies), latencies };
}

/** Several samples as one: counts and times add up; p50 is the middle round's, p99 the worst. */
export function combine(samples: Sample[]): Sample {
  const sum = (f: (s: Sample) => number) => samples.reduce((a, s) => a + f(s), 0);
  const p50s = samples.map((s) => s.p50).sort((a, b) => a - b);
  return { count: sum((s) => s.count), seconds: sum((s) => s.seconds), cpuSeconds: sum((s) => s.cpuSeconds), p50: p50s[p50s.length >> 1]!, p99: Math.max(...samples.map((s) => s.p99)) };
}

// autocannon ships no types; this is the part of its result read here.
interface CannonResult {
  duration: number;
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: Record<string, unknown>) => Promise<CannonResult>;

export interface CannonOptions {
  url: string;
  method: "GET" | "POST";
  seconds: number;
  connections: number;
  /** Worker threads firing the requests; 0 fires them from the calling thread. */
  workers: number;
  token?: string;
  json?: unknown;
  /** Count every answer (a 404 floor), not only 2xx. */
  anyStatus?: boolean;
}

/** Requests over real HTTP for a fixed time; failed requests are reported, not counted. */
export async function cannon(o: CannonOptions): Promise<Sample> {
  const cpu = threadCpuSeconds();
  const result = await autocannon({
    url: o.url,
    method: o.method,
    connections: o.connections,
    duration: o.seconds,
    ...(o.workers > 0 ? { workers: o.workers } : {}),
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.json !== undefined ? { "content-type": "application/json" } : {}) },
    ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
  });
  const failed = result.errors + result.timeouts + (o.anyStatus ? 0 : result.non2xx);
  if (failed > 0) console.warn(`  ${o.method} ${o.url}: ${failed} failed requests (non-2xx ${result.non2xx}, errors ${result.errors})`);
  const count = result["2xx"] + (o.anyStatus ? result.non2xx : 0);
  return { count, seconds: result.duration, cpuSeconds: threadCpuSeconds() - cpu, p50: result.latency.p50, p99: result.latency.p99 };
}

export function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log();
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}
