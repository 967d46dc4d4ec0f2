import { Worker } from "node:worker_threads";
import { TextClassifier } from "./model.js";
import type { TrainingExample } from "./train.js";

/**
 * trainClassifier on a worker thread. Training is seconds to minutes of uninterrupted CPU
 * (banking77's 10,000 examples: about 2 minutes with the network family), and in embedded mode the
 * `ai.learn` job runs on the server's own thread, where it would hold every request and every
 * other job for that long. The worker loads the TypeScript sources through tsx (a runtime
 * dependency: `npm start` runs on it), whether the parent runs under tsx or under vitest.
 */
const ENTRY = new URL("./train-worker.ts", import.meta.url).href;
// A worker's first module is loaded before any --import hook is ready (Node 20), so the thread
// starts from this plain script, which registers tsx and only then imports the TypeScript entry.
const BOOTSTRAP = `import("tsx/esm/api").then(({ register }) => { register(); return import(require("node:worker_threads").workerData.entry); })`;

export function trainOffThread(examples: readonly TrainingExample[]): Promise<TextClassifier> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: ENTRY, examples } });
    let settled = false;
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
      if (!settled) reject(new Error(`classifier training thread exited with code ${code} before answering`));
    });
  });
}
