import { describe, expect, it } from "vitest";
import { fitBlend, fitTemperature } from "../../src/ai/classifier/calibration.js";
import { seededRandom } from "../../src/ai/classifier/linear-svm.js";
import { softmax } from "../../src/ai/classifier/model.js";

const K = 4;

/** Scores ~ N(0, 1.5²) per label, and labels drawn from softmax(scale·s + offsets): a known truth to recover. */
function synthetic(n: number, scale: number, offsets: number[], seed: number) {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const scores: Float64Array[] = [];
  const noise: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = Float64Array.from({ length: K }, () => 1.5 * gauss());
    const p = softmax(Float64Array.from(s, (v, k) => scale * v + offsets[k]!));
    let u = rand();
    let label = K - 1;
    for (let k = 0; k < K; k++) if ((u -= p[k]!) < 0) { label = k; break; }
    scores.push(s);
    noise.push(Float64Array.from({ length: K }, () => 1.5 * gauss())); // says nothing about the label
    y.push(label);
  }
  return { scores, noise, y };
}

describe("fitTemperature", () => {
  it("recovers the scale that generated the labels", () => {
    const { scores, y } = synthetic(4000, 1.7, [0, 0, 0, 0], 5);
    expect(fitTemperature(scores, y)).toBeGreaterThan(1.5);
    expect(fitTemperature(scores, y)).toBeLessThan(1.9);
  });
});

describe("fitBlend", () => {
  it("with one source and no offsets is the temperature", () => {
    const { scores, y } = synthetic(500, 1, [0, 0, 0, 0], 6);
    expect(fitBlend([scores], y, K)).toEqual({ weights: [fitTemperature(scores, y)] });
  });

  it("weighs an informative model up and a useless one to (about) nothing", () => {
    const { scores, noise, y } = synthetic(4000, 1.7, [0, 0, 0, 0], 7);
    const blend = fitBlend([noise, scores], y, K);
    expect(blend.weights[1]).toBeGreaterThan(1.5);
    expect(blend.weights[1]).toBeLessThan(1.9);
    expect(blend.weights[0]).toBeLessThan(0.1);
    expect(blend.weights[0]).toBeGreaterThanOrEqual(0); // never negative
    expect(blend.offsets).toBeUndefined();
  });

  it("learns per-label offsets where the margins misjudge how common a label is", () => {
    const truth = [1, 0, 0, -1];
    const { scores, y } = synthetic(6000, 1.2, truth, 8);
    const blend = fitBlend([scores], y, K, 1);
    expect(blend.weights[0]).toBeGreaterThan(1.05);
    expect(blend.weights[0]).toBeLessThan(1.35);
    // Offsets are defined up to a constant; the penalty centres them.
    const o = Array.from(blend.offsets!);
    expect(o.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 2);
    o.forEach((v, k) => expect(Math.abs(v - truth[k]!)).toBeLessThan(0.2));
    // A heavy penalty keeps them near zero.
    const damped = fitBlend([scores], y, K, 1e6);
    for (const v of damped.offsets!) expect(Math.abs(v)).toBeLessThan(0.01);
  });

  it("fits a lower held-out loss than the temperature alone", () => {
    const { scores, y } = synthetic(3000, 1.2, [0.8, 0, 0, -0.8], 9);
    const nll = (f: (s: Float64Array) => Float64Array) => y.reduce((l, label, i) => l - Math.log(f(scores[i]!)[label]!), 0);
    const t = fitTemperature(scores, y);
    const blend = fitBlend([scores], y, K, 10);
    const withOffsets = nll((s) => softmax(Float64Array.from(s, (v, k) => blend.weights[0]! * v + blend.offsets![k]!)));
    expect(withOffsets).toBeLessThan(nll((s) => softmax(s, t)));
  });
});
