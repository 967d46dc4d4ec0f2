// Markdown article → retrieval chunks. Sections (by ATX heading) are the unit of meaning, so
// a chunk never straddles a heading unless whole small sections are packed together; sections
// too large for the budget are cut at sentence (or code-line) boundaries into balanced pieces
// that overlap by ~15%, so a passage that falls on a cut is still whole in one of them. Every
// chunk starts with "Title > Heading > Subheading": a passage about "Limits" is findable by the
// article it belongs to, and the embedding knows its context.

export interface Chunk {
  position: number;
  /** Headings above the chunk (the title is not repeated here). */
  headingPath: string[];
  /** Prefix line + text: what is embedded, indexed for full-text search and shown. */
  content: string;
  tokenCount: number;
}

export interface ChunkOptions {
  /** Upper bound of a chunk, prefix included. */
  maxTokens?: number;
  /** Share of a chunk repeated at the start of the next one when a section is split. */
  overlap?: number;
}

export const DEFAULT_CHUNK_OPTIONS = { maxTokens: 450, overlap: 0.15 } as const;

/**
 * Approximate token count, close to OpenAI's cl100k on English prose (about 1.3 tokens per
 * word): a run of letters/digits costs one token per 6 characters (rounded up), every other
 * non-space character one token. Good enough for budgets; never used for billing.
 */
export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) n += /[\p{L}\p{N}]/u.test(m[0][0]!) ? Math.ceil(m[0].length / 6) : 1;
  return n;
}

interface Unit {
  text: string;
  tokens: number;
  /** Units of one block are joined by `join`; blocks by a blank line. */
  block: number;
  join: string;
}

interface Section {
  path: string[];
  heading: string | null;
  blocks: { text: string; code: boolean }[];
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const FENCE = /^[ \t]{0,3}(```|~~~)/;

function parseSections(markdown: string): Section[] {
  const sections: Section[] = [{ path: [], heading: null, blocks: [] }];
  const stack: { level: number; text: string }[] = [];
  let para: string[] = [];
  let fence: string | null = null;
  const current = () => sections[sections.length - 1]!;
  const flush = (code = false) => {
    const text = code ? para.join("\n") : para.join("\n").trim();
    if (text) current().blocks.push({ text, code });
    para = [];
  };
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      para.push(line);
      if (fenceMatch && line.trim().startsWith(fence)) (flush(true), (fence = null));
      continue;
    }
    if (fenceMatch) {
      flush();
      fence = fenceMatch[1]!;
      para.push(line);
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      flush();
      const level = h[1]!.length;
      while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
      stack.push({ level, text: h[2]! });
      sections.push({ path: stack.map((s) => s.text), heading: line.trim(), blocks: [] });
    } else if (line.trim() === "") flush();
    else para.push(line);
  }
  flush(fence !== null);
  return sections.filter((s) => s.blocks.length > 0 || s.heading);
}

/** Sentences (prose) or lines (code); pieces longer than `max` are cut into word windows. */
function unitsOf(block: { text: string; code: boolean }, index: number, max: number): Unit[] {
  const join = block.code ? "\n" : " ";
  const pieces = block.code ? block.text.split("\n") : block.text.split(/(?<=[.!?])\s+(?=\S)|\n+/);
  const out: Unit[] = [];
  for (const piece of pieces) {
    if (!block.code && !piece.trim()) continue;
    const tokens = countTokens(piece);
    if (tokens <= max) {
      out.push({ text: piece, tokens, block: index, join });
      continue;
    }
    let window: string[] = [];
    let windowTokens = 0;
    // A "word" longer than the budget (minified code, a data URL) is cut by characters.
    const words = piece.split(/\s+/).flatMap((w) => (countTokens(w) > max ? (w.match(new RegExp(`.{1,${max * 2}}`, "gsu")) ?? []) : [w]));
    for (const word of words) {
      const t = countTokens(word);
      if (windowTokens + t > max && window.length) {
        out.push({ text: window.join(" "), tokens: windowTokens, block: index, join: " " });
        (window = []), (windowTokens = 0);
      }
      window.push(word);
      windowTokens += t;
    }
    if (window.length) out.push({ text: window.join(" "), tokens: windowTokens, block: index, join: " " });
  }
  return out;
}

function render(units: Unit[]): string {
  let out = "";
  units.forEach((u, i) => {
    if (i > 0) out += units[i - 1]!.block === u.block ? u.join : "\n\n";
    out += u.text;
  });
  return out;
}

function commonPrefix(paths: string[][]): string[] {
  const [first = [], ...rest] = paths;
  let n = first.length;
  for (const p of rest) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

export function chunkArticle(title: string, markdown: string, options: ChunkOptions = {}): Chunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNK_OPTIONS.maxTokens;
  const overlap = options.overlap ?? DEFAULT_CHUNK_OPTIONS.overlap;
  const sameAsTitle = (h: string) => h.trim().toLowerCase() === title.trim().toLowerCase();
  const sections = parseSections(markdown).map((s) => ({ ...s, path: s.path.filter((h, i) => !(i === 0 && sameAsTitle(h))) }));
  const prefixOf = (path: string[]) => [title.trim(), ...path].join(" > ");
  const budgetFor = (path: string[]) => Math.max(64, maxTokens - countTokens(prefixOf(path)) - 2);

  // Pack whole neighbouring sections into one chunk while they fit; a heading that is not part
  // of the chunk's path stays in the text.
  type Group = { sections: typeof sections; tokens: number };
  const groups: Group[] = [];
  for (const section of sections) {
    const ownTokens = section.blocks.reduce((n, b) => n + countTokens(b.text), 0) + (section.heading ? countTokens(section.heading) : 0);
    const last = groups[groups.length - 1];
    // A heading with no text of its own belongs with what follows it, never at a chunk's end.
    const joinable = last && (section.blocks.length > 0 || last.sections[last.sections.length - 1]!.blocks.length === 0);
    if (last && joinable) {
      const path = commonPrefix([...last.sections.map((s) => s.path), section.path]);
      if (last.tokens + ownTokens <= budgetFor(path)) {
        last.sections.push(section);
        last.tokens += ownTokens;
        continue;
      }
    }
    groups.push({ sections: [section], tokens: ownTokens });
  }

  const chunks: Chunk[] = [];
  for (const group of groups) {
    const path = commonPrefix(group.sections.map((s) => s.path));
    const budget = budgetFor(path);
    const units: Unit[] = [];
    let block = 0;
    for (const s of group.sections) {
      if (s.heading && s.path.length > path.length) units.push({ text: s.heading, tokens: countTokens(s.heading), block: block++, join: " " });
      for (const b of s.blocks) units.push(...unitsOf(b, block++, budget));
    }
    for (const piece of splitUnits(units, budget, overlap)) {
      const content = `${prefixOf(path)}\n\n${render(piece)}`;
      chunks.push({ position: chunks.length, headingPath: path, content, tokenCount: countTokens(content) });
    }
  }
  if (chunks.length === 0) {
    const content = prefixOf([]);
    chunks.push({ position: 0, headingPath: [], content, tokenCount: countTokens(content) });
  }
  return chunks;
}

/**
 * Cuts units into pieces of at most `budget` tokens, balanced (no runt at the end), each piece
 * after the first starting with the previous piece's last ~`overlap` share of tokens.
 */
export function splitUnits(units: Unit[], budget: number, overlap: number): Unit[][] {
  const total = units.reduce((n, u) => n + u.tokens, 0);
  if (total <= budget) return units.length ? [units] : [];
  const overlapTokens = Math.floor(budget * overlap);
  const out: Unit[][] = [];
  let start = 0;
  while (start < units.length) {
    // Re-plan at every cut: the pieces still needed for what is left, sized evenly.
    const remaining = units.slice(start).reduce((n, u) => n + u.tokens, 0);
    const piecesLeft = remaining <= budget ? 1 : Math.ceil((remaining - overlapTokens) / (budget - overlapTokens));
    const target = Math.min(budget, Math.ceil((remaining - overlapTokens) / piecesLeft) + overlapTokens);
    let end = start;
    let tokens = 0;
    while (end < units.length && (end === start || tokens + units[end]!.tokens <= target)) tokens += units[end++]!.tokens;
    out.push(units.slice(start, end));
    if (end >= units.length) break;
    // Step back over trailing units worth ~overlapTokens, but always move forward.
    let next = end;
    let back = 0;
    while (next - 1 > start && back + units[next - 1]!.tokens <= overlapTokens) back += units[--next]!.tokens;
    // A long last sentence: repeat it anyway when it is not much more than the overlap.
    if (next === end && end - 1 > start && units[end - 1]!.tokens <= overlapTokens * 2) next--;
    start = next;
  }
  return out;
}
