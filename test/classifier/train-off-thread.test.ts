import { describe, expect, it } from "vitest";
import { trainOffThread } from "../../src/ai/classifier/train-off-thread.js";
import { trainClassifier } from "../../src/ai/classifier/train.js";

// ai.learn trains on a worker thread so an embedded server keeps answering meanwhile; the model
// that comes back must be the one training in-thread would have made (training is deterministic).
const examples = Array.from({ length: 120 }, (_, i) => {
  const kind = i % 3;
  const subject = ["refund for my card", "cannot log in", "parcel never arrived"][kind]!;
  return { subject: `${subject} #${i}`, text: `${["charged twice, want money back", "password reset link expired", "tracking says delivered"][kind]} (${i % 7})`, label: ["billing", "account", "shipping"][kind]! };
});

describe("trainOffThread", () => {
  it("returns the same model as training in-thread, while the calling thread keeps running", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const model = await trainOffThread(examples);
    clearInterval(timer);
    expect(model.toJSON()).toEqual(trainClassifier(examples).toJSON());
    expect(model.predict("money back please", "charged twice").label).toBe("billing");
    expect(ticks).toBeGreaterThan(0);
  });

  it("rejects, rather than hanging, when training fails on the thread", async () => {
    await expect(trainOffThread([{ subject: "x", text: "y", label: "only" }, { subject: null as never, text: 42 as never, label: "other" }])).rejects.toThrow(
      // The training's own error, from the thread: a broken bootstrap would fail differently.
      /normalize is not a function/,
    );
  });

  it("stops the thread and rejects with the signal's reason when it aborts (a timed-out job)", async () => {
    const abort = new AbortController();
    // The thread needs far longer than this just to load the sources, so training cannot win.
    setTimeout(() => abort.abort(new Error("ai.learn timed out")), 20);
    await expect(trainOffThread(Array.from({ length: 5 }, () => examples).flat(), { signal: abort.signal })).rejects.toThrow("ai.learn timed out");
  });
});
