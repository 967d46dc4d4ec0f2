// Quality figures for a classifier's predictions against gold labels: what the eval CLI prints and
// the admin dashboard shows. Pure functions over plain arrays.

export interface Scored {
  gold: string;
  predicted: string;
  /** Calibrated probability of `predicted`. */
  confidence: number;
}

export interface LabelStats {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface CoveragePoint {
  threshold: number;
  /** Share of items answered (confidence ≥ threshold); the rest abstain and go to a human. */
  coverage: number;
  /** Accuracy on the answered items (1 when nothing is answered: nothing was wrong). */
  accuracy: number;
  answered: number;
}

export interface ClassificationReport {
  total: number;
  accuracy: number;
  macroF1: number;
  /** Mean log-loss is not available from top-1 predictions; ECE says how honest the confidences are. */
  expectedCalibrationError: number;
  perLabel: LabelStats[];
  confusedPairs: Array<{ gold: string; predicted: string; count: number }>;
  coverage: CoveragePoint[];
}

export const DEFAULT_THRESHOLDS = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

export function accuracy(items: readonly Scored[]): number {
  if (items.length === 0) return 0;
  return items.filter((i) => i.gold === i.predicted).length / items.length;
}

export function perLabelStats(items: readonly Scored[]): LabelStats[] {
  const labels = [...new Set(items.flatMap((i) => [i.gold, i.predicted]))].sort();
  return labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const i of items) {
      if (i.predicted === label && i.gold === label) tp++;
      else if (i.predicted === label) fp++;
      else if (i.gold === label) fn++;
    }
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: tp + fn };
  });
}

/** Mean F1 over the labels that occur in the gold data (a label only ever predicted adds no row). */
export function macroF1(items: readonly Scored[]): number {
  const stats = perLabelStats(items).filter((s) => s.support > 0);
  return stats.length ? stats.reduce((sum, s) => sum + s.f1, 0) / stats.length : 0;
}

export function confusedPairs(items: readonly Scored[], limit = 10): ClassificationReport["confusedPairs"] {
  const counts = new Map<string, { gold: string; predicted: string; count: number }>();
  for (const i of items) {
    if (i.gold === i.predicted) continue;
    const key = JSON.stringify([i.gold, i.predicted]);
    const row = counts.get(key) ?? { gold: i.gold, predicted: i.predicted, count: 0 };
    row.count++;
    counts.set(key, row);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
    .slice(0, limit);
}

/** Accuracy vs coverage when predictions under each confidence threshold abstain. */
export function coverageCurve(items: readonly Scored[], thresholds: readonly number[] = DEFAULT_THRESHOLDS): CoveragePoint[] {
  return thresholds.map((threshold) => {
    const answered = items.filter((i) => i.confidence >= threshold);
    return {
      threshold,
      coverage: items.length ? answered.length / items.length : 0,
      accuracy: answered.length ? accuracy(answered) : 1,
      answered: answered.length,
    };
  });
}

/** |confidence − accuracy| averaged over equal-width confidence bins, weighted by bin size. */
export function expectedCalibrationError(items: readonly Scored[], bins = 10): number {
  if (items.length === 0) return 0;
  const sums = Array.from({ length: bins }, () => ({ n: 0, conf: 0, hits: 0 }));
  for (const i of items) {
    const b = sums[Math.min(bins - 1, Math.floor(i.confidence * bins))]!;
    b.n++;
    b.conf += i.confidence;
    if (i.gold === i.predicted) b.hits++;
  }
  return sums.reduce((e, b) => e + (b.n ? (b.n / items.length) * Math.abs(b.conf / b.n - b.hits / b.n) : 0), 0);
}

export function classificationReport(items: readonly Scored[], thresholds?: readonly number[]): ClassificationReport {
  return {
    total: items.length,
    accuracy: accuracy(items),
    macroF1: macroF1(items),
    expectedCalibrationError: expectedCalibrationError(items),
    perLabel: perLabelStats(items),
    confusedPairs: confusedPairs(items),
    coverage: coverageCurve(items, thresholds),
  };
}
