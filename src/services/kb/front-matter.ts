import { parse } from "yaml";
import { z } from "zod";
import { ARTICLE_STATUSES } from "../../../db/schema/enums.js";

const frontMatterSchema = z.object({
  title: z.string().trim().min(1),
  category: z.string().trim().min(1),
  tags: z.array(z.string().trim().min(1)).default([]),
  status: z.enum(ARTICLE_STATUSES).default("draft"),
});

export type ArticleFrontMatter = z.infer<typeof frontMatterSchema>;

export interface MarkdownArticle extends ArticleFrontMatter {
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** Splits `---\nyaml\n---\nmarkdown` and validates the YAML; throws naming the bad key. */
export function parseMarkdownArticle(source: string, fileName: string): MarkdownArticle {
  const match = FRONT_MATTER.exec(source);
  if (!match) throw new Error(`${fileName}: missing front matter (--- title/category/tags/status ---)`);
  const parsed = frontMatterSchema.safeParse(parse(match[1]!) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${fileName}: front matter ${issue.path.join(".") || "value"}: ${issue.message}`);
  }
  return { ...parsed.data, body: source.slice(match[0].length).trim() };
}
