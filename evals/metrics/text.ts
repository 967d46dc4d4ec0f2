// Overlap between a drafted answer and a reference answer, computed the way the usual tools do:
// token-F1 as in the SQuAD evaluation script (lower-case, punctuation and the articles a/an/the
// dropped, bag of words), ROUGE-L as the F1 (β = 1) of longest-common-subsequence precision and
// recall over lower-cased word tokens.

/** Lower-cased runs of letters and digits. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

const ARTICLES = new Set(["a", "an", "the"]);

function f1(overlap: number, predicted: number, reference: number): number {
  if (predicted === 0 || reference === 0) return predicted === reference ? 1 : 0;
  if (overlap === 0) return 0;
  const precision = overlap / predicted;
  const recall = overlap / reference;
  return (2 * precision * recall) / (precision + recall);
}

export function tokenF1(predicted: string, reference: string): number {
  const p = wordTokens(predicted).filter((t) => !ARTICLES.has(t));
  const r = wordTokens(reference).filter((t) => !ARTICLES.has(t));
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      overlap++;
      counts.set(t, c - 1);
    }
  }
  return f1(overlap, p.length, r.length);
}

/** Length of the longest common subsequence; two rolling rows, O(|a|·|b|) time. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

export function rougeL(predicted: string, reference: string): number {
  const p = wordTokens(predicted);
  const r = wordTokens(reference);
  return f1(lcsLength(p, r), p.length, r.length);
}
