import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/ai/classifier/linear-svm.js";
import { TextClassifier } from "../../src/ai/classifier/model.js";
import { DEFAULT_TRAINING, trainClassifier, type Scaling, type TrainingExample } from "../../src/ai/classifier/train.js";
import type { View } from "../../src/ai/classifier/views.js";
import { makeExamples } from "./synthetic.js";

// Long "tickets" where one word in forty decides the label and the rest is filler every label
// shares, with 20% of texts carrying a misleading key word: the shape of real ticket text, where
// the naive-Bayes scaling is meant to help.
const FILLER = Array.from({ length: 300 }, (_, i) => `f${((i * 7919) % 1000).toString(36)}x`);
const KEYS: Record<string, string[]> = {
  low: ["question", "wondering", "curious"],
  medium: ["problem", "issue", "broken"],
  high: ["urgent", "outage", "immediately"],
};
function noisyTickets(perLabel: number, seed: number): TrainingExample[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const out: TrainingExample[] = [];
  for (const [label, keys] of Object.entries(KEYS)) {
    for (let i = 0; i < perLabel; i++) {
      const words = Array.from({ length: 40 }, () => pick(FILLER));
      words.splice(Math.floor(rand() * 40), 0, pick(keys));
      if (rand() < 0.2) words.splice(Math.floor(rand() * 40), 1, pick(Object.values(KEYS))[0]!);
      out.push({ subject: null, text: words.join(" "), label });
    }
  }
  return out;
}

const train = noisyTickets(40, 1);
const test = noisyTickets(100, 2);
const accuracy = (m: TextClassifier) => test.filter((e) => m.predict(e.subject, e.text).label === e.label).length / test.length;

describe("model families and their blend", () => {
  const family = (view: View, scaling: Scaling) => trainClassifier(train, { families: [{ view, scaling }] });
  const tfidf = family("all", "tfidf");
  const words = family("words", "tfidf");
  const nb = family("words", "nb");
  const blend = trainClassifier(train);

  it("NB scaling beats plain TF-IDF on long texts decided by a few words", () => {
    expect(accuracy(nb)).toBeGreaterThan(accuracy(words) + 0.03);
    expect(nb.meta.algorithm).toBe("ovr-nb-svm/words");
    expect(words.meta.algorithm).toBe("ovr-linear-svm/words");
    expect(tfidf.meta.algorithm).toBe("ovr-linear-svm");
  });

  it("a words-only model stores no weight on character n-grams", () => {
    // Unknown words built from known ones: only their character n-grams are in the vocabulary.
    const lookalikes = "urgentx outagez immediatelyq";
    expect(words.predict(null, lookalikes).scores).toEqual(words.predict(null, "").scores);
    expect(tfidf.predict(null, lookalikes).scores).not.toEqual(tfidf.predict(null, "").scores);
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify(words.toJSON())));
    expect(restored.predict(null, lookalikes)).toEqual(words.predict(null, lookalikes));
  });

  it("the default blend leans on the families that do better on held-out folds", () => {
    const members = blend.meta.members as Array<{ view: string; scaling: string; model?: string; weight: number }>;
    expect(members.map((m) => `${m.view}/${m.scaling}${m.model ? `/${m.model}` : ""}`)).toEqual(["all/tfidf", "words/tfidf", "words/nb", "all/tfidf/mlp"]);
    const weight = (key: string) => members.find((m) => `${m.view}/${m.scaling}` === key)!.weight;
    expect(weight("words/nb")).toBeGreaterThan(weight("all/tfidf"));
    expect(accuracy(blend)).toBeGreaterThan(accuracy(tfidf));
  });

  it("a blend is one stored model that round-trips exactly; linear, unless the network has weight", () => {
    const restored = TextClassifier.fromJSON(JSON.parse(JSON.stringify(blend.toJSON())));
    for (const e of test.slice(0, 30)) expect(restored.predict(e.subject, e.text)).toEqual(blend.predict(e.subject, e.text));
    const members = blend.meta.members as Array<{ model?: string; weight: number }>;
    const withNetwork = members.some((m) => m.model === "mlp" && m.weight > 0);
    expect(blend.toJSON().format).toBe(withNetwork ? "autocrm.linear-text/2" : "autocrm.linear-text/1");
    const svmsOnly = trainClassifier(train, { families: DEFAULT_TRAINING.families.filter((f) => f.model !== "mlp") });
    expect(svmsOnly.toJSON().format).toBe("autocrm.linear-text/1");
    expect(svmsOnly.toJSON()).not.toHaveProperty("network");
  });

  it("keeps blend weights finite and non-negative, with at least one model in use", () => {
    // Clean, separable phrases: held-out scores are already perfect with either family, so one
    // member carries the blend or both do; every weight is finite and non-negative either way.
    const clean = trainClassifier(makeExamples(15, 1));
    const members = clean.meta.members as Array<{ weight: number }>;
    for (const m of members) {
      expect(m.weight).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.weight)).toBe(true);
    }
    expect(members.some((m) => m.weight > 0)).toBe(true);
  });

  it("reports the cross-validated accuracy of the blend and every configuration tried", () => {
    expect(blend.meta.cvAccuracy).toBeGreaterThan(0.8);
    const cv = blend.meta.cv as Array<{ view: string; scaling: string; C: number }>;
    for (const key of ["all/tfidf", "words/tfidf", "words/nb"]) {
      expect(cv.filter((r) => `${r.view}/${r.scaling}` === key).length).toBeGreaterThanOrEqual(5);
    }
  });
});
