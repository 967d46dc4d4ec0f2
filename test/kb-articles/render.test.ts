import { describe, expect, it } from "vitest";
import { renderMarkdown, safeUrl } from "../../src/services/kb/render.js";
import { KB_CATEGORIES, assertCategory } from "../../src/services/kb/categories.js";
import { isValidSlug, slugify } from "../../src/services/kb/slug.js";

// No live markup may come out of author input: every real tag in the output (escaped text has no
// `<`) must be one the renderer writes, with only its own attributes and a safe href.
const ALLOWED_TAGS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code", "strong", "em", "del", "a", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"]);
function liveMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const [, name, attrs] of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    if (!ALLOWED_TAGS.has(name!.toLowerCase())) problems.push(`tag ${name}`);
    for (const [, attr, value] of attrs!.matchAll(/\s([^\s=]+)(?:="([^"]*)")?/g)) {
      if (!["href", "title", "rel", "class", "start"].includes(attr!)) problems.push(`attribute ${attr}`);
      if (attr === "href" && !/^(https?:|mailto:|\/|#|\.|[^:]*$)/i.test(value ?? "")) problems.push(`href ${value}`);
    }
  }
  return problems;
}

describe("renderMarkdown", () => {
  it("renders headings, paragraphs, lists, code, emphasis, links and tables", () => {
    const html = renderMarkdown(
      [
        "# Title",
        "",
        "Some **bold**, *italic*, `code` and a [link](https://example.com/a?b=1&c=2).",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "2. second",
        "",
        "```ts",
        "const a = 1 < 2;",
        "```",
        "",
        "| A | B |",
        "|---|---|",
        "| x | y |",
      ].join("\n"),
    );
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>italic</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">link</a>');
    expect(html).toContain("<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    expect(html).toContain("<ol>\n<li>first</li>\n<li>second</li>\n</ol>");
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(html).toContain("<thead><tr><th>A</th><th>B</th></tr></thead>");
    expect(html).toContain("<tr><td>x</td><td>y</td></tr>");
  });

  it("keeps snake_case words and relative and mailto links", () => {
    const html = renderMarkdown("Use lum_live_key. See [docs](/kb/articles/x) or [mail](mailto:help@example.com).");
    expect(html).toBe('<p>Use lum_live_key. See <a href="/kb/articles/x">docs</a> or <a href="mailto:help@example.com">mail</a>.</p>');
  });

  it("escapes script tags everywhere: text, headings, lists, code, tables", () => {
    const script = "<script>alert(1)</script>";
    const html = renderMarkdown(`${script}\n\n# ${script}\n\n- ${script}\n\n\`${script}\`\n\n| ${script} |\n|---|\n| ${script} |\n\n> ${script}`);
    expect(liveMarkup(html)).toEqual([]);
    expect(html.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)?.length).toBe(7);
  });

  it("drops javascript:, data: and obfuscated link targets but keeps the text", () => {
    for (const target of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox(1)", "java\tscript:alert(1)", " javascript:alert(1)"]) {
      const html = renderMarkdown(`[x](${target})`);
      expect(liveMarkup(html), target).toEqual([]);
      expect(html, target).not.toContain("<a ");
    }
    expect(renderMarkdown("[x](javascript:alert(1))")).toBe("<p>x</p>");
  });

  it("never emits <img> or event handlers, even for image syntax", () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)">\n\n![pic](https://cdn.example/a.png)\n\n![bad](javascript:alert(1))\n\n<a href="javascript:alert(1)">x</a>');
    expect(liveMarkup(html)).toEqual([]);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain('<a href="https://cdn.example/a.png" rel="nofollow noopener noreferrer">pic</a>');
  });

  it("escapes quotes in link targets so attributes cannot be broken out of", () => {
    const html = renderMarkdown('[x](https://e.com/"onmouseover="alert(1))');
    expect(liveMarkup(html)).toEqual([]);
    expect(html).not.toContain('"onmouseover');
  });

  // A hang guard, not a benchmark: catastrophic backtracking on these would run for minutes.
  it("renders hostile 100 kB inputs without hanging", { timeout: 20_000 }, () => {
    for (const input of ["*".repeat(100_000), "[".repeat(50_000) + "](".repeat(25_000), "`a".repeat(50_000), "_a ".repeat(33_000), "- x\n".repeat(25_000)]) {
      expect(renderMarkdown(input).length).toBeGreaterThan(0);
    }
  });

  it("the checker itself catches live markup", () => {
    expect(liveMarkup('<p><img src=x onerror="a()"></p>')).toEqual(["tag img", "attribute src", "attribute onerror"]);
    expect(liveMarkup('<a href="javascript:x">y</a>')).toEqual(["href javascript:x"]);
  });

  it("safeUrl allows only http(s), mailto and relative targets", () => {
    expect(safeUrl("https://a.b")).toBe("https://a.b");
    expect(safeUrl("/x:y")).toBe("/x:y");
    expect(safeUrl("#top")).toBe("#top");
    expect(safeUrl("ftp://a.b")).toBeNull();
    expect(safeUrl("javascript:x")).toBeNull();
    expect(safeUrl("java\nscript:x")).toBeNull();
  });
});

describe("slugs and categories", () => {
  it("slugify folds accents, joins words with hyphens and caps the length", () => {
    expect(slugify("Café & Crème: 2FA set-up!")).toBe("cafe-creme-2fa-set-up");
    expect(slugify("  --Hello__World--  ")).toBe("hello-world");
    expect(slugify("日本語")).toBe("");
    const long = slugify("word ".repeat(40));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(isValidSlug(long)).toBe(true);
  });

  it("validates slugs", () => {
    expect(isValidSlug("reset-your-password")).toBe(true);
    for (const bad of ["Reset", "a--b", "-a", "a-", "a b", "", "a".repeat(81)]) expect(isValidSlug(bad), bad).toBe(false);
  });

  it("knows the fixed category list and names the field for unknown ones", () => {
    expect(KB_CATEGORIES).toEqual(["getting-started", "account", "billing", "technical", "general"]);
    expect(assertCategory("billing")).toBe("billing");
    expect(() => assertCategory("gossip")).toThrow(/body\.category: unknown category "gossip"/);
  });
});
