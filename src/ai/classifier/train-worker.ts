// Entry point of the worker thread trainOffThread starts: trains on the examples it is given and
// posts the stored form of the model back. Nothing else runs here.
import { parentPort, workerData } from "node:worker_threads";
import { trainClassifier, type TrainingExample } from "./train.js";

const { examples } = workerData as { examples: TrainingExample[] };
parentPort!.postMessage(trainClassifier(examples).toJSON());
