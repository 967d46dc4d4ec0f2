import { invalidField } from "../../errors.js";

/**
 * The KB's category vocabulary. A fixed list for now (the demo kb/articles use the first four);
 * when admins need to manage categories this becomes a table, and `assertCategory` is the one
 * place that would then query it.
 */
export const KB_CATEGORIES = ["getting-started", "account", "billing", "technical", "general"] as const;

export type KbCategory = (typeof KB_CATEGORIES)[number];

export function isKbCategory(value: string): value is KbCategory {
  return (KB_CATEGORIES as readonly string[]).includes(value);
}

/** 400 naming `field` when the category is not in the vocabulary. */
export function assertCategory(value: string, field = "body.category"): KbCategory {
  if (!isKbCategory(value)) {
    throw invalidField(field, `unknown category "${value}"; expected one of ${KB_CATEGORIES.join(", ")}`);
  }
  return value;
}
