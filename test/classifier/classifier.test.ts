import { describe, expect, it } from "vitest";
import { TextClassifier, type TextClassifierJSON } from "../../src/ai/classifier/model.js";
import { trainClassifier } from "../../src/ai/classifier/train.js";
import { makeExamples } from "./synthetic.js";

const train = makeExamples(15, 1);
const heldOut = makeExamples(6, 99);
const model = trainClassifier(train);

describe("trainClassifier", () => {
  it("learns a separable problem well enough to label unseen texts", () => {
    const hits = heldOut.filter((e) => model.predict(e.subject, e.text).label === e.label).length;
    expect(hits / heldOut.length).toBeGreaterThanOrEqual(0.95);
    expect(model.labels).toEqual(["billing", "shipping", "technical"]);
    expect(model.meta.trainedOn).toBe(45);
    expect(model.meta.cvAccuracy).toBeGreaterThan(0.8);
  });

  it("generalises from words, not just whole sentences", () => {
    expect(model.predict(null, "I want a refund, you charged my card twice").label).toBe("billing");
    expect(model.predict("Tracking", "my parcel is late").label).toBe("shipping");
    expect(model.predict(null, "the application crashed with an error").label).toBe("technical");
  });

  it("gives a probability distribution whose top entry is the label and its confidence", () => {
    for (const e of heldOut.slice(0, 10)) {
      const p = model.predict(e.subject, e.text);
      const probs = Object.values(p.scores);
      expect(probs).toHaveLength(3);
      for (const v of probs) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(p.confidence).toBe(p.scores[p.label]);
      expect(p.confidence).toBe(Math.max(...probs));
    }
  });

  it("is more confident on a clear text than on a vague one", () => {
    const clear = model.predict("Refund request", "please refund the last payment, my invoice shows the wrong amount");
    const vague = model.predict(null, "hello, can you help me with something");
    expect(clear.confidence).toBeGreaterThan(0.7);
    expect(vague.confidence).toBeLessThan(clear.confidence);
  });

  it("names the words that drove the decision", () => {
    const p = model.predict(null, "please refund my invoice");
    expect(p.topFeatures?.length).toBeGreaterThan(0);
    expect(p.topFeatures?.slice(0, 3).some((f) => /refund|invoic/.test(f))).toBe(true);
    expect(model.predict(null, "please refund my invoice", { explain: false }).topFeatures).toBeUndefined();
  });

  it("is deterministic: the same data and seed give the same model", () => {
    const again = trainClassifier(train);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  it("handles a label with a single example", () => {
    const data = [...makeExamples(12, 3), { subject: null, text: "warranty claim for a broken hinge on the laptop lid", label: "warranty" }];
    const m = trainClassifier(data);
    expect(m.labels).toContain("warranty");
    expect(m.predict(null, "warranty claim for a broken hinge on the laptop lid").label).toBe("warranty");
    expect(m.predict(null, "my package has not arrived yet").label).toBe("shipping");
  });

  it("copes with empty and unknown text, in training and in prediction", () => {
    const m = trainClassifier([...makeExamples(5, 4), { subject: null, text: "", label: "billing" }]);
    for (const [subject, text] of [[null, ""], ["", "   "], [null, "zzzz qqqq"]] as const) {
      const p = m.predict(subject, text);
      expect(m.labels).toContain(p.label);
      expect(Number.isFinite(p.confidence)).toBe(true);
      expect(Object.values(p.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it("trained on one label, always answers it with full confidence", () => {
    const m = trainClassifier([{ text: "anything at all", label: "medium" }]);
    expect(m.predict(null, "something else")).toMatchObject({ label: "medium", confidence: 1, scores: { medium: 1 } });
  });

  it("refuses to train on nothing", () => {
    expect(() => trainClassifier([])).toThrow(/no examples/);
  });
});

describe("TextClassifier serialisation", () => {
  it("round-trips through JSON to identical predictions", () => {
    const json = JSON.parse(JSON.stringify(model.toJSON())) as TextClassifierJSON;
    const restored = TextClassifier.fromJSON(json);
    expect(restored.labels).toEqual(model.labels);
    for (const e of [...heldOut, { subject: null, text: "" }]) {
      expect(restored.predict(e.subject, e.text)).toEqual(model.predict(e.subject, e.text));
    }
    expect(JSON.stringify(restored.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });

  it("stores a compact, versioned document", () => {
    const json = model.toJSON();
    expect(json.format).toBe(json.network ? "autocrm.linear-text/2" : "autocrm.linear-text/1");
    expect(json.weights.nonZero).toBeGreaterThan(0);
    const { network, ...linear } = json;
    expect(JSON.stringify(linear).length).toBeLessThan(500_000);
    // The network is dense: 16 bits per first-layer weight, vocabulary × hidden units of them.
    if (network) expect(Buffer.from(network.w1.data, "base64").length).toBe(2 * model.vectorizer.size * network.hidden);
    expect(() => TextClassifier.fromJSON({ ...json, format: "other/9" } as unknown as TextClassifierJSON)).toThrow(/format/);
  });

  it("keeps only the largest weights when given a budget, and still predicts", () => {
    const small = trainClassifier(train, { maxWeights: 300 });
    expect(small.toJSON().weights.nonZero).toBeLessThanOrEqual(300);
    const hits = heldOut.filter((e) => small.predict(e.subject, e.text).label === e.label).length;
    expect(hits / heldOut.length).toBeGreaterThan(0.8);
  });
});
