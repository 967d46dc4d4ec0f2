import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  vector,
} from "drizzle-orm/pg-core";
import { EMBEDDING_DIMENSIONS, createdAt, id, ts, tsvector, updatedAt } from "./columns.js";
import { ARTICLE_STATUSES, inList, type ArticleStatus } from "./enums.js";
import { users } from "./users.js";

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: id(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    /** Markdown exactly as written; sanitised only when rendered. */
    body: text("body").notNull(),
    status: text("status").$type<ArticleStatus>().notNull().default("draft"),
    category: text("category").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    version: integer("version").notNull().default(1),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    publishedAt: ts("published_at"),
    helpfulCount: integer("helpful_count").notNull().default(0),
    notHelpfulCount: integer("not_helpful_count").notNull().default(0),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("kb_articles_slug_key").on(t.slug),
    index("kb_articles_status_category_idx").on(t.status, t.category),
    index("kb_articles_tags_idx").using("gin", t.tags),
    check("kb_articles_status_check", sql.raw(`status IN (${inList(ARTICLE_STATUSES)})`)),
  ],
);

export const kbArticleVersions = pgTable(
  "kb_article_versions",
  {
    id: id(),
    articleId: uuid("article_id").notNull().references(() => kbArticles.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    category: text("category").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    status: text("status").$type<ArticleStatus>().notNull(),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("kb_article_versions_article_version_key").on(t.articleId, t.version)],
);

/** Retrieval units. An article's chunks are replaced in one transaction, never edited in place. */
export const kbChunks = pgTable(
  "kb_chunks",
  {
    id: id(),
    articleId: uuid("article_id").notNull().references(() => kbArticles.id, { onDelete: "cascade" }),
    articleVersion: integer("article_version").notNull(),
    position: integer("position").notNull(),
    headingPath: text("heading_path").array().notNull().default(sql`'{}'::text[]`),
    content: text("content").notNull(),
    tokenCount: integer("token_count").notNull(),
    tsv: tsvector("tsv")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', content)`),
    embedding: vector("embedding", { dimensions: EMBEDDING_DIMENSIONS }),
    embeddingModel: text("embedding_model"),
    /**
     * Whether the article is published, kept by triggers (migration 0008) in the same transaction
     * as the article's status: the read policy tests this column instead of looking the article up
     * for every row a search touches. Whatever a writer puts here, the trigger overwrites.
     */
    published: boolean("published").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("kb_chunks_article_position_key").on(t.articleId, t.position),
    index("kb_chunks_tsv_idx").using("gin", t.tsv),
    index("kb_chunks_embedding_idx").using("hnsw", t.embedding.op("vector_cosine_ops")),
  ],
);

/** "Was this helpful?" on an article, with the query that led there when known. */
export const kbFeedback = pgTable(
  "kb_feedback",
  {
    id: id(),
    articleId: uuid("article_id").notNull().references(() => kbArticles.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    helpful: boolean("helpful").notNull(),
    comment: text("comment"),
    query: text("query"),
    createdAt: createdAt(),
  },
  (t) => [index("kb_feedback_article_idx").on(t.articleId, t.createdAt)],
);

/** Questions that an article is known to answer (agent citation or customer "solved it"): searched beside chunks. */
export const kbLearnedQuestions = pgTable(
  "kb_learned_questions",
  {
    id: id(),
    articleId: uuid("article_id").notNull().references(() => kbArticles.id, { onDelete: "cascade" }),
    question: text("question").notNull(),
    source: text("source").$type<"draft" | "answer_session" | "import">().notNull(),
    sourceId: uuid("source_id"),
    tsv: tsvector("tsv")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', question)`),
    embedding: vector("embedding", { dimensions: EMBEDDING_DIMENSIONS }),
    embeddingModel: text("embedding_model"),
    /** As kb_chunks.published. */
    published: boolean("published").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("kb_learned_questions_article_question_key").on(t.articleId, t.question),
    index("kb_learned_questions_tsv_idx").using("gin", t.tsv),
    index("kb_learned_questions_embedding_idx").using("hnsw", t.embedding.op("vector_cosine_ops")),
  ],
);
