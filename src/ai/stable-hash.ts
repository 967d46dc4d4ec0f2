/**
 * FNV-1a with a murmur3 finaliser: fast, stable across platforms and runs, well mixed in the low
 * bits. The local embedder's feature buckets and the evals' train/learn splits both depend on its
 * exact output: changing it changes every stored local embedding (a reindex) and every split.
 */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
