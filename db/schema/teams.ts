import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.js";
import { TICKET_CHANNELS, TICKET_PRIORITIES, inList, type TicketChannel, type TicketPriority } from "./enums.js";
import { users } from "./users.js";

export const teams = pgTable(
  "teams",
  {
    id: id(),
    name: text("name").notNull(),
    /** Read by the classifier when it has no training data: write it for a machine too. */
    description: text("description").notNull().default(""),
    skills: text("skills").array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("teams_name_key").on(t.name)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    skills: text("skills").array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);

/** Admin rules, applied in `position` order before any model: keywords/tags/channel → team and/or priority. */
export const routingRules = pgTable(
  "routing_rules",
  {
    id: id(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
    isActive: boolean("is_active").notNull().default(true),
    keywords: text("keywords").array().notNull().default(sql`'{}'::text[]`),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    channel: text("channel").$type<TicketChannel>(),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    priority: text("priority").$type<TicketPriority>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("routing_rules_position_idx").on(t.position),
    check("routing_rules_channel_check", sql.raw(`channel IS NULL OR channel IN (${inList(TICKET_CHANNELS)})`)),
    check("routing_rules_priority_check", sql.raw(`priority IS NULL OR priority IN (${inList(TICKET_PRIORITIES)})`)),
    check("routing_rules_action_check", sql`team_id IS NOT NULL OR priority IS NOT NULL`),
  ],
);
