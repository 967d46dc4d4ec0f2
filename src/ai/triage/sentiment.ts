// A small lexicon score in [-1, 1]: enough to surface angry or desperate tickets to a human,
// not a substitute for reading them.

const NEGATIVE = [
  "angry", "annoyed", "awful", "broken", "cancel", "complaint", "disappointed", "disgusted", "frustrated", "furious",
  "horrible", "lawyer", "ridiculous", "scam", "terrible", "unacceptable", "useless", "worst", "refund", "unhappy",
  "again", "still", "nobody", "never",
];
const POSITIVE = ["thanks", "thank", "great", "love", "appreciate", "awesome", "excellent", "helpful", "perfect", "happy", "pleased"];

const NEG = new Set(NEGATIVE);
const POS = new Set(POSITIVE);

export function sentimentScore(text: string): number {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let score = 0;
  for (const w of words) score += NEG.has(w) ? -1 : POS.has(w) ? 1 : 0;
  const shouting = (text.match(/!{2,}|\b[A-Z]{4,}\b/g) ?? []).length;
  score -= Math.min(shouting, 3) * 0.5;
  return Math.max(-1, Math.min(1, score / Math.max(3, Math.sqrt(words.length))));
}
