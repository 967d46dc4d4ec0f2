// Language detection by stop-word hits: cheap, offline, and right for the languages customers
// most often write support mail in. Returns null when the text is too short or ambiguous.

const STOPWORDS: Record<string, string[]> = {
  en: ["the", "and", "is", "to", "my", "i", "it", "not", "you", "for", "of", "with", "have", "this", "can", "was"],
  es: ["el", "la", "de", "que", "y", "en", "no", "mi", "es", "por", "con", "para", "una", "los", "se", "pero"],
  fr: ["le", "la", "de", "et", "est", "je", "pas", "mon", "ne", "pour", "une", "les", "des", "avec", "que", "il"],
  de: ["der", "die", "und", "ist", "nicht", "ich", "das", "mein", "ein", "zu", "mit", "für", "es", "sie", "auf", "den"],
  pt: ["o", "de", "que", "e", "não", "meu", "uma", "para", "com", "os", "se", "por", "minha", "está", "em", "do"],
  it: ["il", "di", "che", "e", "non", "mio", "una", "per", "con", "sono", "la", "gli", "è", "ho", "del", "questo"],
  nl: ["de", "het", "en", "is", "niet", "ik", "een", "mijn", "van", "voor", "met", "dat", "op", "te", "zijn", "wij"],
};

const LISTS = Object.entries(STOPWORDS).map(([lang, words]) => [lang, new Set(words)] as const);

export function detectLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 4) return null;
  const scores = LISTS.map(([lang, set]) => [lang, words.filter((w) => set.has(w)).length] as const).sort((a, b) => b[1] - a[1]);
  const [best, second] = scores;
  if (!best || best[1] < 2 || best[1] < (second?.[1] ?? 0) * 1.5) return null;
  return best[0];
}
