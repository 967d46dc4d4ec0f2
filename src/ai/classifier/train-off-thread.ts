import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { TextClassifier } from "./model.js";
import type { TrainingExample } from "./train.js";

const ENTRY = new URL("./train-worker.ts", import.meta.url).href;
// tsx as this module finds it: an eval'd worker would resolve bare names from the working
// directory, which need not be the app's (`npx autocrm` from anywhere, a service's cwd).
const TSX_API = esmEntry("tsx", "./esm/api");
// A worker's first module is loaded before any --import hook is ready (Node 20), so the thread
// starts from this plain script, which registers tsx and only then imports the TypeScript entry.
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); })`;

/** The ESM file a package exports under `subpath`, found from this module's location. */
function esmEntry(pkg: string, subpath: string): string {
  const manifestPath = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports[subpath]!.import.default)).href;
}

/**
 * trainClassifier on a worker thread. Training is seconds to minutes of uninterrupted CPU
 * (banking77's 10,000 examples: about 2 minutes with the network family), and in embedded mode the
 * `ai.learn` job runs on the server's own thread, where it would hold every request and every
 * other job for that long. The worker loads the TypeScript sources through tsx (a runtime
 * dependency: `npm start` runs on it), whether the parent runs under tsx or under vitest. When
 * `signal` aborts (the job timed out) the thread is stopped and the promise rejects.
 */
export function trainOffThread(examples: readonly TrainingExample[], options: { signal?: AbortSignal } = {}): Promise<TextClassifier> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { tsx: TSX_API, entry: ENTRY, examples } });
    let settled = false;
    // A timed-out job must not leave its training running (and later storing a model).
    const stop = () => {
      settled = true;
      void worker.terminate();
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
    worker.once("message", (json) => {
      settled = true;
      try {
        resolve(TextClassifier.fromJSON(json));
      } catch (err) {
        reject(err);
      }
    });
    worker.once("error", (err) => {
      settled = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      signal?.removeEventListener("abort", stop);
      if (!settled) reject(new Error(`classifier training thread exited with code ${code} before answering`));
    });
  });
}
