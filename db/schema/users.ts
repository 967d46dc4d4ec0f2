import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, ts, updatedAt } from "./columns.js";
import { IDENTITY_KINDS, ROLES, inList, type IdentityKind, type Role } from "./enums.js";

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Stored lower-cased; the unique index is what makes sign-up race-safe. */
    email: text("email").notNull(),
    fullName: text("full_name").notNull(),
    role: text("role").$type<Role>().notNull().default("customer"),
    passwordHash: text("password_hash"),
    preferredLanguage: text("preferred_language"),
    isActive: boolean("is_active").notNull().default(true),
    lastSeenAt: ts("last_seen_at"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    index("users_role_idx").on(t.role),
    check("users_role_check", sql.raw(`role IN (${inList(ROLES)})`)),
    check("users_email_lower_check", sql`email = lower(email)`),
  ],
);

/** External identities of a person (seed 001's client_external_ids, seed 002's channels). */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").$type<IdentityKind>().notNull(),
    value: text("value").notNull(),
    verifiedAt: ts("verified_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("user_identities_kind_value_key").on(t.kind, t.value),
    index("user_identities_user_idx").on(t.userId),
    check("user_identities_kind_check", sql.raw(`kind IN (${inList(IDENTITY_KINDS)})`)),
  ],
);

/** Opaque session tokens; only a SHA-256 of the token is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sessions_token_hash_key").on(t.tokenHash), index("sessions_user_idx").on(t.userId)],
);
