// A trained linear text classifier: TF-IDF features → one score per label → calibrated
// probabilities (softmax with a temperature fitted on held-out folds). What classifier_models.params
// stores is `toJSON()`: weights are pruned and quantised to 16 bits once, at construction, so the
// model in memory and the one read back from the database predict exactly the same.
// A model may also carry a hidden-layer network (mlp.ts) whose scores, weighted, add to the
// linear ones: the network does not fold into the linear weights as the SVM families do.
import { endianness } from "node:os";
import { Vectorizer, type SparseVector, type VectorizerJSON } from "./features.js";
import { mlpScores, type MlpWeights } from "./mlp.js";

export const MODEL_FORMAT = "autocrm.linear-text/1";
/** Format 1 plus a hidden-layer network; a model without one is still written as format 1. */
export const MODEL_FORMAT_WITH_NETWORK = "autocrm.linear-text/2";

export interface Prediction {
  label: string;
  /** Calibrated probability of `label`; triage abstains below its threshold. */
  confidence: number;
  scores: Record<string, number>;
  /** The strongest features that pushed towards `label`, for people to read ("refund", "card declined"). */
  topFeatures?: string[];
}

export interface ModelMeta {
  algorithm: string;
  trainedOn: number;
  C: number;
  /** Accuracy measured on held-out folds of the training data, when there was enough of it. */
  cvAccuracy?: number;
  [key: string]: unknown;
}

/** The network's scores count `weight` times in the decision (already divided by the temperature). */
export interface NetworkPart {
  weight: number;
  net: MlpWeights;
}

/** Dense matrices as little-endian 16-bit integers in base64, times `scale`. */
interface DenseJSON {
  scale: number;
  data: string;
}

export interface NetworkJSON {
  weight: number;
  hidden: number;
  w1: DenseJSON;
  b1: number[];
  w2: DenseJSON;
  b2: number[];
}

export interface TextClassifierJSON {
  format: typeof MODEL_FORMAT | typeof MODEL_FORMAT_WITH_NETWORK;
  labels: string[];
  vectorizer: VectorizerJSON;
  /** Feature-major flat matrix (feature j, label k at j·K + k), sparse and quantised: see encodeWeights. */
  weights: { scale: number; nonZero: number; data: string };
  bias: number[];
  temperature: number;
  meta: ModelMeta;
  network?: NetworkJSON;
}

export interface LinearParts {
  labels: string[];
  vectorizer: Vectorizer;
  /** Feature-major: weights[j * K + k]. */
  weights: Float32Array | Float64Array;
  bias: ArrayLike<number>;
  /** Multiplies the scores before the softmax (1/temperature). */
  temperature: number;
  meta: ModelMeta;
  network?: NetworkPart;
}

const QMAX = 32767;

export class TextClassifier {
  readonly labels: string[];
  readonly vectorizer: Vectorizer;
  readonly meta: ModelMeta;
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;
  private readonly temperature: number;
  private readonly quantised: Int16Array;
  private readonly scale: number;
  private readonly network?: StoredNetwork;

  private constructor(parts: Omit<LinearParts, "weights" | "network">, quantised: Int16Array, scale: number, network?: StoredNetwork) {
    this.labels = parts.labels;
    this.vectorizer = parts.vectorizer;
    this.meta = parts.meta;
    this.temperature = parts.temperature;
    this.bias = Float64Array.from(parts.bias, (b) => Math.round(b * 1e6) / 1e6);
    this.quantised = quantised;
    this.scale = scale;
    this.weights = Float32Array.from(quantised, (q) => q * scale);
    this.network = network;
  }

  /**
   * Builds the model from raw trained weights, keeping only the `maxWeights` largest (by magnitude):
   * most weights of a multi-class text model are tiny and only cost storage.
   */
  static fromParts(parts: LinearParts, maxWeights = 600_000): TextClassifier {
    const w = parts.weights;
    let maxAbs = 0;
    for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
    const scale = maxAbs > 0 ? maxAbs / QMAX : 1;
    const q = Int16Array.from(w, (v) => Math.round(v / scale));
    // Magnitude histogram → the smallest |q| that keeps the budget, without sorting millions of numbers.
    const hist = new Int32Array(QMAX + 1);
    for (let i = 0; i < q.length; i++) hist[Math.abs(q[i]!)]!++;
    let kept = 0;
    let threshold = 1;
    for (let m = QMAX; m >= 1; m--) {
      if (kept + hist[m]! > maxWeights) {
        threshold = m + 1;
        break;
      }
      kept += hist[m]!;
    }
    for (let i = 0; i < q.length; i++) if (Math.abs(q[i]!) < threshold) q[i] = 0;
    // The network is quantised here too (16 bits, not pruned), so what is stored is what predicts.
    const n = parts.network;
    let network: StoredNetwork | undefined;
    if (n) {
      const w1 = quantiseDense(n.net.w1);
      const w2 = quantiseDense(n.net.w2);
      network = {
        weight: round6(n.weight),
        net: { ...n.net, w1: w1.values, b1: Float32Array.from(n.net.b1, round6), w2: w2.values, b2: Float32Array.from(n.net.b2, round6) },
        scales: { w1: w1.scale, w2: w2.scale },
      };
    }
    return new TextClassifier(parts, q, scale, network);
  }

  predict(subject: string | null | undefined, text: string | null | undefined, opts: { explain?: boolean } = {}): Prediction {
    const x = this.vectorizer.transform(subject, text);
    const probs = this.probabilities(x);
    let best = 0;
    for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k;
    const scores: Record<string, number> = {};
    this.labels.forEach((l, k) => (scores[l] = probs[k]!));
    const prediction: Prediction = { label: this.labels[best]!, confidence: probs[best]!, scores };
    if (opts.explain !== false) prediction.topFeatures = this.explain(x, best);
    return prediction;
  }

  /** Raw linear scores, one per label (before calibration). */
  decision(x: SparseVector): Float64Array {
    const K = this.labels.length;
    const s = Float64Array.from(this.bias);
    for (let n = 0; n < x.indices.length; n++) {
      const base = x.indices[n]! * K;
      const v = x.values[n]!;
      for (let k = 0; k < K; k++) s[k]! += v * this.weights[base + k]!;
    }
    if (this.network) {
      const z = mlpScores(this.network.net, x);
      for (let k = 0; k < K; k++) s[k]! += this.network.weight * z[k]!;
    }
    return s;
  }

  probabilities(x: SparseVector): Float64Array {
    return softmax(this.decision(x), this.temperature);
  }

  /** From the linear part only: a hidden unit has no single word to show for itself. */
  private explain(x: SparseVector, k: number, limit = 5): string[] {
    const K = this.labels.length;
    const contributions: Array<[number, number]> = [];
    for (let n = 0; n < x.indices.length; n++) {
      const c = x.values[n]! * this.weights[x.indices[n]! * K + k]!;
      if (c > 0) contributions.push([x.indices[n]!, c]);
    }
    // Words read better than character fragments, so they come first when they contribute at all.
    const rank = ([i, c]: [number, number]) => c * (this.vectorizer.isWordFeature(i) ? 2 : 1);
    contributions.sort((a, b) => rank(b) - rank(a) || a[0] - b[0]);
    const out: string[] = [];
    for (const [i] of contributions) {
      const d = this.vectorizer.describe(i);
      if (!out.includes(d)) out.push(d);
      if (out.length >= limit) break;
    }
    return out;
  }

  toJSON(): TextClassifierJSON {
    const n = this.network;
    return {
      format: n ? MODEL_FORMAT_WITH_NETWORK : MODEL_FORMAT,
      labels: this.labels,
      vectorizer: this.vectorizer.toJSON(),
      weights: encodeWeights(this.quantised, this.scale),
      bias: Array.from(this.bias),
      temperature: this.temperature,
      meta: this.meta,
      ...(n
        ? {
            network: {
              weight: n.weight,
              hidden: n.net.hidden,
              w1: encodeDense(n.net.w1, n.scales.w1),
              b1: Array.from(n.net.b1),
              w2: encodeDense(n.net.w2, n.scales.w2),
              b2: Array.from(n.net.b2),
            },
          }
        : {}),
    };
  }

  static fromJSON(json: TextClassifierJSON): TextClassifier {
    if (json.format !== MODEL_FORMAT && json.format !== MODEL_FORMAT_WITH_NETWORK) throw new Error(`unsupported classifier format: ${String(json.format)}`);
    if ((json.format === MODEL_FORMAT_WITH_NETWORK) !== Boolean(json.network)) throw new Error(`classifier format ${json.format} does not match its parts`);
    const vectorizer = Vectorizer.fromJSON(json.vectorizer);
    const q = decodeWeights(json.weights.data, vectorizer.size * json.labels.length);
    return new TextClassifier(
      { labels: json.labels, vectorizer, bias: json.bias, temperature: json.temperature, meta: json.meta },
      q,
      json.weights.scale,
      json.network && readNetwork(json.network, vectorizer.size, json.labels.length),
    );
  }
}

export function softmax(scores: ArrayLike<number>, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < scores.length; k++) max = Math.max(max, scores[k]! * temperature);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += out[k] = Math.exp(scores[k]! * temperature - max);
  for (let k = 0; k < scores.length; k++) out[k]! /= sum;
  return out;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * A network as it predicts. Its two matrices hold 16-bit integers times one scale each
 * (quantiseDense), kept only as the Float32 products: |q| ≤ 32767 times a scale survives Float32's
 * 24 bits, so encodeDense recovers the integers exactly and no second copy is needed.
 */
interface StoredNetwork {
  weight: number;
  net: MlpWeights;
  scales: { w1: number; w2: number };
}

function quantiseDense(w: Float32Array): { values: Float32Array; scale: number } {
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
  const scale = maxAbs > 0 ? maxAbs / QMAX : 1;
  return { values: Float32Array.from(w, (v) => Math.round(v / scale) * scale), scale };
}

const LITTLE_ENDIAN = endianness() === "LE";

function encodeDense(values: Float32Array, scale: number): DenseJSON {
  const q = Int16Array.from(values, (v) => Math.round(v / scale));
  // Stored little-endian; on a little-endian machine (every one Node ships for but s390x) that
  // is the array's own memory, so millions of weights are not written one call at a time.
  if (LITTLE_ENDIAN) return { scale, data: Buffer.from(q.buffer).toString("base64") };
  const bytes = Buffer.alloc(q.length * 2);
  for (let i = 0; i < q.length; i++) bytes.writeInt16LE(q[i]!, 2 * i);
  return { scale, data: bytes.toString("base64") };
}

function decodeDense(json: DenseJSON, length: number): Float32Array {
  const bytes = Buffer.from(json.data, "base64");
  if (bytes.length !== 2 * length) throw new Error("classifier network does not fit the vocabulary");
  const q = new Int16Array(length);
  if (LITTLE_ENDIAN) new Uint8Array(q.buffer).set(bytes);
  else for (let i = 0; i < length; i++) q[i] = bytes.readInt16LE(2 * i);
  return Float32Array.from(q, (v) => v * json.scale);
}

function readNetwork(json: NetworkJSON, numFeatures: number, numLabels: number): StoredNetwork {
  return {
    weight: json.weight,
    net: {
      numFeatures,
      hidden: json.hidden,
      numLabels,
      w1: decodeDense(json.w1, numFeatures * json.hidden),
      b1: Float32Array.from(json.b1),
      w2: decodeDense(json.w2, json.hidden * numLabels),
      b2: Float32Array.from(json.b2),
    },
    scales: { w1: json.w1.scale, w2: json.w2.scale },
  };
}

/** Non-zero entries as (gap since the previous one, value), both zig-zag varints, in base64. */
function encodeWeights(q: Int16Array, scale: number): TextClassifierJSON["weights"] {
  const bytes: number[] = [];
  const varint = (v: number) => {
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
  };
  let prev = -1;
  let nonZero = 0;
  for (let i = 0; i < q.length; i++) {
    const v = q[i]!;
    if (v === 0) continue;
    varint(i - prev - 1);
    varint(v < 0 ? -2 * v - 1 : 2 * v);
    prev = i;
    nonZero++;
  }
  return { scale, nonZero, data: Buffer.from(bytes).toString("base64") };
}

function decodeWeights(data: string, length: number): Int16Array {
  const bytes = Buffer.from(data, "base64");
  const q = new Int16Array(length);
  let pos = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  let i = -1;
  while (pos < bytes.length) {
    i += varint() + 1;
    const z = varint();
    if (i >= length) throw new Error("classifier weights do not fit the vocabulary");
    q[i] = z % 2 === 1 ? -(z + 1) / 2 : z / 2;
  }
  return q;
}
