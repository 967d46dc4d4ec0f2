// Domain vocabularies. Stored as text with CHECK constraints (seed 000: "stored as text to
// avoid enums") so adding a value is a one-line migration; these tuples are the single source
// for the constraints, the zod schemas and the TypeScript types.
export const ROLES = ["customer", "agent", "admin"] as const;
export const IDENTITY_KINDS = ["email", "phone", "slack", "whatsapp", "oauth"] as const;
export const TICKET_STATUSES = ["new", "open", "pending", "resolved", "closed"] as const;
export const TICKET_PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export const TICKET_CHANNELS = ["web", "email", "chat", "api", "widget"] as const;
export const AUTHOR_TYPES = ["customer", "agent", "ai", "system"] as const;
export const ARTICLE_STATUSES = ["draft", "published", "archived"] as const;
export const DRAFT_STATUSES = ["pending", "approved", "edited", "rejected", "abstained", "superseded"] as const;
export const ANSWER_OUTCOMES = ["solved", "not_helpful", "ticket_filed"] as const;

export type Role = (typeof ROLES)[number];
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export type AuthorType = (typeof AUTHOR_TYPES)[number];
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
export type DraftStatus = (typeof DRAFT_STATUSES)[number];
export type AnswerOutcome = (typeof ANSWER_OUTCOMES)[number];

/** SQL fragment for `CHECK (col IN (...))` built from one of the tuples above. */
export function inList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(", ");
}
