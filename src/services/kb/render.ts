// Markdown → HTML for article pages. Bodies are stored exactly as written (they may contain
// `<script>` or anything else); safety comes from here: every character of the source is
// escaped unless one of the few constructs below claims it, so raw HTML can only ever come out
// as text, and links keep only http(s), mailto and relative targets. Dependency-free on purpose:
// a small renderer we can read end to end is easier to trust than a sanitiser bolted onto a big one.
// Every pattern is bounded (no nested quantifiers over unbounded input), so a hostile 100 kB body
// renders in linear time.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * A link target we are willing to emit, or null. Browsers ignore tabs/newlines inside URLs
 * (`java\tscript:`), so any whitespace or control character disqualifies the URL outright;
 * a colon before the first `/ ? #` means a scheme, and only http, https and mailto pass.
 */
export function safeUrl(raw: string): string | null {
  const url = raw.trim();
  if (!url || /[\u0000-\u0020\u007f-\u009f]/.test(url)) return null;
  const scheme = /^([^/?#]*?):/.exec(url);
  if (scheme && !/^(https?|mailto)$/i.test(scheme[1]!)) return null;
  return url;
}

function link(url: string, innerHtml: string, title?: string): string {
  const safe = safeUrl(url);
  if (!safe) return innerHtml;
  const external = /^https?:/i.test(safe) ? ' rel="nofollow noopener noreferrer"' : "";
  const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
  return `<a href="${escapeHtml(safe)}"${titleAttr}${external}>${innerHtml}</a>`;
}

// A link destination character, or one level of balanced parentheses (wiki-style URLs).
const DEST = String.raw`(?:[^\s()<>]|\([^\s()<>]{0,200}\))`;

// Inline constructs, tried only at the position of their first character (sticky regexes).
const INLINE: { re: RegExp; render: (m: RegExpExecArray, depth: number) => string }[] = [
  { re: /\\([\\`*_{}[\]()#+\-.!|>~])/y, render: (m) => escapeHtml(m[1]!) },
  { re: /`([^`\n]+)`/y, render: (m) => `<code>${escapeHtml(m[1]!)}</code>` },
  // Images become links to the image: no <img> means no onerror/onload surface at all.
  { re: new RegExp(String.raw`!\[([^[\]\n]{0,500})\]\(\s*(${DEST}{1,2000})(?:\s+"([^"\n]{0,300})")?\s*\)`, "y"), render: (m) => link(m[2]!, escapeHtml(m[1]! || m[2]!), m[3]) },
  { re: new RegExp(String.raw`\[([^[\]\n]{1,500})\]\(\s*(${DEST}{0,2000})(?:\s+"([^"\n]{0,300})")?\s*\)`, "y"), render: (m, d) => link(m[2]!, inline(m[1]!, d + 1), m[3]) },
  { re: /<((?:https?:\/\/|mailto:)[^\s<>]{1,2000})>/y, render: (m) => link(m[1]!, escapeHtml(m[1]!)) },
  { re: /\*\*([^*\s](?:[^*\n]{0,1000}[^*\s])?)\*\*/y, render: (m, d) => `<strong>${inline(m[1]!, d + 1)}</strong>` },
  { re: /__([^_\s](?:[^_\n]{0,1000}[^_\s])?)__/y, render: (m, d) => `<strong>${inline(m[1]!, d + 1)}</strong>` },
  { re: /~~([^~\s](?:[^~\n]{0,1000}[^~\s])?)~~/y, render: (m, d) => `<del>${inline(m[1]!, d + 1)}</del>` },
  { re: /\*([^*\s](?:[^*\n]{0,1000}[^*\s])?)\*/y, render: (m, d) => `<em>${inline(m[1]!, d + 1)}</em>` },
  // snake_case_words stay words: `_` emphasis needs a non-alphanumeric on both sides.
  { re: /(?<![A-Za-z0-9])_([^_\s](?:[^_\n]{0,1000}[^_\s])?)_(?![A-Za-z0-9])/y, render: (m, d) => `<em>${inline(m[1]!, d + 1)}</em>` },
];
const INLINE_START = /[\\`!*_~[<]/;

/** Renders inline markdown; everything not claimed by a construct is escaped text. */
export function inline(text: string, depth = 0): string {
  if (depth > 3) return escapeHtml(text);
  // Own scanner per call: renders nest (bold inside a link), and shared regex state would not.
  const starts = new RegExp(INLINE_START.source, "g");
  let out = "";
  let plainFrom = 0;
  for (let m = starts.exec(text); m; m = starts.exec(text)) {
    const at = m.index;
    for (const { re, render } of INLINE) {
      re.lastIndex = at;
      const hit = re.exec(text);
      if (!hit) continue;
      const end = re.lastIndex;
      out += escapeHtml(text.slice(plainFrom, at)) + render(hit, depth);
      plainFrom = end;
      starts.lastIndex = end;
      break;
    }
  }
  return (out + escapeHtml(text.slice(plainFrom))).replace(/ {2,}\n|\\\n/g, "<br>\n");
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** Renders a markdown document to HTML that is safe to insert into a page as is. */
export function renderMarkdown(markdown: string): string {
  return blocks(markdown.replace(/\r\n?/g, "\n").split("\n"), 0);
}

function startsBlock(line: string, next: string | undefined): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || LIST_ITEM.test(line) || QUOTE.test(line) || isTableStart(line, next);
}

function isTableStart(line: string, next: string | undefined): boolean {
  return line.includes("|") && next !== undefined && next.includes("-") && TABLE_DIVIDER.test(next);
}

function blocks(lines: string[], depth: number): string {
  if (depth > 8) return `<p>${escapeHtml(lines.join("\n"))}</p>`;
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (!line.trim()) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const fence = m[1]!;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) body.push(lines[i]!);
      i++;
      const lang = m[2] ? ` class="language-${escapeHtml(m[2])}"` : "";
      out.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>`);
    } else if ((m = HEADING.exec(line))) {
      const level = m[1]!.length;
      out.push(`<h${level}>${inline(m[2] ?? "")}</h${level}>`);
      i++;
    } else if (RULE.test(line)) {
      out.push("<hr>");
      i++;
    } else if (isTableStart(line, lines[i + 1])) {
      const rows: string[] = [line];
      for (i += 2; i < lines.length && lines[i]!.includes("|") && lines[i]!.trim(); i++) rows.push(lines[i]!);
      out.push(table(rows));
    } else if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && (m = QUOTE.exec(lines[i]!)); i++) quoted.push(m[1]!);
      out.push(`<blockquote>\n${blocks(quoted, depth + 1)}\n</blockquote>`);
    } else if (LIST_ITEM.test(line)) {
      i = list(lines, i, depth, out);
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() && (para.length === 0 || !startsBlock(lines[i]!, lines[i + 1])); i++) para.push(lines[i]!.trim());
      out.push(`<p>${inline(para.join("\n"))}</p>`);
    }
  }
  return out.join("\n");
}

function cells(row: string): string[] {
  return row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

function table(rows: string[]): string {
  const [head, ...body] = rows;
  const th = cells(head!).map((c) => `<th>${inline(c)}</th>`).join("");
  const trs = body.map((r) => `<tr>${cells(r).map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`);
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs.join("\n")}\n</tbody>\n</table>`;
}

/**
 * A run of list items of one kind starting at `start`. An item owns the following lines that
 * are indented past its marker (nested lists, continuation paragraphs), blank lines included
 * when indented content follows them. Returns the index after the list.
 */
function list(lines: string[], start: number, depth: number, out: string[]): number {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m || m[1]!.length !== indent || /\d/.test(m[2]!) !== ordered) break;
    const contentIndent = indent + m[2]!.length + 1;
    const item = [m[3]!];
    for (i++; i < lines.length; i++) {
      const l = lines[i]!;
      const lead = l.length - l.trimStart().length;
      if (l.trim() && lead >= contentIndent - 1 && lead > indent) item.push(l.slice(Math.min(lead, contentIndent)));
      else if (!l.trim() && i + 1 < lines.length && lines[i + 1]!.trim() && leading(lines[i + 1]!) > indent) item.push("");
      else if (l.trim() && !startsBlock(l, lines[i + 1]) && lead > indent && item.at(-1) !== "") item.push(l.trim());
      else break;
    }
    items.push(item);
    while (i < lines.length && !lines[i]!.trim() && i + 1 < lines.length && LIST_ITEM.test(lines[i + 1]!)) i++;
  }
  const number = ordered ? parseInt(first[2]!, 10) : 1;
  const tag = ordered ? "ol" : "ul";
  const startAttr = ordered && number !== 1 ? ` start="${number}"` : "";
  const lis = items.map((item) => {
    // Tight item (no blank line): its text stays inline, only nested blocks get block markup.
    if (item.includes("")) return `<li>${blocks(item, depth + 1)}</li>`;
    const split = item.findIndex((l, k) => k > 0 && startsBlock(l, item[k + 1]));
    const text = split === -1 ? item : item.slice(0, split);
    const rest = split === -1 ? "" : `\n${blocks(item.slice(split), depth + 1)}`;
    return `<li>${inline(text.map((l) => l.trim()).join("\n"))}${rest}</li>`;
  });
  out.push(`<${tag}${startAttr}>\n${lis.join("\n")}\n</${tag}>`);
  return i;
}

function leading(line: string): number {
  return line.length - line.trimStart().length;
}
