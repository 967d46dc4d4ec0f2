/**
 * Normalised word-level Levenshtein distance between a draft and what was sent: 0 = sent as
 * drafted, 1 = nothing kept. Words rather than characters: it is how people read an edit, and
 * it keeps long replies cheap (O(n·m) over words).
 */
export function normalisedEditDistance(a: string, b: string): number {
  const x = a.trim().split(/\s+/).filter(Boolean);
  const y = b.trim().split(/\s+/).filter(Boolean);
  if (x.length === 0 && y.length === 0) return 0;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length]! / Math.max(x.length, y.length);
}

/** The dashboard's buckets: how much an agent changed a draft before sending it. */
export function editBucket(distance: number): "as_is" | "light" | "heavy" {
  if (distance === 0) return "as_is";
  return distance <= 0.3 ? "light" : "heavy";
}
