import { asc, eq, sql } from "drizzle-orm";
import type { Executor } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import { routingRules, teams, type TicketChannel, type TicketPriority } from "../../../db/schema/index.js";
import { isAdmin, type Actor } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import type { ServiceContext } from "../context.js";

export type RoutingRule = typeof routingRules.$inferSelect;

// ---------------------------------------------------------------------------
// Matching (pure: the triage worker calls this with the active rules it loaded)
// ---------------------------------------------------------------------------

export interface RoutableTicket {
  subject: string;
  description: string;
  tags: string[];
  channel: TicketChannel | string;
}

export interface RoutingMatch {
  teamId?: string;
  priority?: TicketPriority;
  /** Rules that decided at least one field, in the order they were applied. */
  matched: string[];
  reasons: string[];
}

type MatchableRule = Pick<RoutingRule, "id" | "name" | "position" | "isActive" | "keywords" | "tags" | "channel" | "teamId" | "priority">;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A keyword or phrase as a whole-word, case-insensitive pattern. "Words" are letters, digits and
 * underscores in any script, so "down" does not match "download" and "c++" still matches "c++ sdk".
 * Spaces inside a phrase match any run of whitespace.
 */
function keywordPattern(keyword: string): RegExp {
  const body = keyword.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "iu");
}

/** Why the rule matches the ticket, or null if it does not. Every condition kind present must hold. */
function matchRule(rule: MatchableRule, text: string, ticketTags: Set<string>, channel: string): string[] | null {
  const why: string[] = [];
  if (rule.channel) {
    if (rule.channel !== channel) return null;
    why.push(`channel is ${rule.channel}`);
  }
  if (rule.tags.length) {
    const tag = rule.tags.find((t) => ticketTags.has(t.toLowerCase()));
    if (!tag) return null;
    why.push(`tag "${tag}"`);
  }
  if (rule.keywords.length) {
    const keyword = rule.keywords.find((k) => k.trim() && keywordPattern(k).test(text));
    if (!keyword) return null;
    why.push(`keyword "${keyword}"`);
  }
  // A rule with no conditions at all is a catch-all (a default team or priority).
  return why.length ? why : ["matches every ticket"];
}

/**
 * Applies active rules in position order; for team and for priority separately, the first
 * matching rule that sets the field wins. Rules with equal positions keep their input order.
 */
export function matchRoutingRules(rules: readonly MatchableRule[], ticket: RoutableTicket): RoutingMatch {
  const ordered = rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => rule.isActive)
    .sort((a, b) => a.rule.position - b.rule.position || a.index - b.index)
    .map(({ rule }) => rule);
  const text = `${ticket.subject}\n${ticket.description}`;
  const tags = new Set(ticket.tags.map((t) => t.toLowerCase()));
  const result: RoutingMatch = { matched: [], reasons: [] };

  for (const rule of ordered) {
    if (result.teamId !== undefined && result.priority !== undefined) break;
    const setsTeam = rule.teamId != null && result.teamId === undefined;
    const setsPriority = rule.priority != null && result.priority === undefined;
    if (!setsTeam && !setsPriority) continue;
    const why = matchRule(rule, text, tags, ticket.channel);
    if (!why) continue;
    const decided: string[] = [];
    if (setsTeam) {
      result.teamId = rule.teamId!;
      decided.push(`team ${rule.teamId}`);
    }
    if (setsPriority) {
      result.priority = rule.priority!;
      decided.push(`priority ${rule.priority}`);
    }
    result.matched.push(rule.id);
    result.reasons.push(`rule "${rule.name}" (${why.join(", ")}) → ${decided.join(", ")}`);
  }
  return result;
}

// ---------------------------------------------------------------------------
// Admin CRUD
// ---------------------------------------------------------------------------

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "only admins may manage routing rules");
}

export function toRule(r: RoutingRule) {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    isActive: r.isActive,
    keywords: r.keywords,
    tags: r.tags,
    channel: r.channel,
    teamId: r.teamId,
    priority: r.priority,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type PublicRule = ReturnType<typeof toRule>;

export interface RuleInput {
  name: string;
  position?: number;
  isActive?: boolean;
  keywords?: string[];
  tags?: string[];
  channel?: TicketChannel | null;
  teamId?: string | null;
  priority?: TicketPriority | null;
}

const unique = (values: string[]) => [...new Set(values)];

const ruleOrder = [asc(routingRules.position), asc(routingRules.createdAt), asc(routingRules.id)];

/** Rules in the order they apply; what the triage worker feeds to matchRoutingRules. */
export function loadActiveRules(tx: Executor): Promise<RoutingRule[]> {
  return tx.select().from(routingRules).where(eq(routingRules.isActive, true)).orderBy(...ruleOrder);
}

async function checkTarget(tx: Executor, rule: { teamId: string | null; priority: string | null }): Promise<void> {
  if (rule.teamId == null && rule.priority == null) throw invalidField("body.teamId", "a rule must set a team, a priority or both");
  if (rule.teamId != null) {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, rule.teamId));
    if (!team) throw invalidField("body.teamId", "no such team");
  }
}

export async function listRules(ctx: ServiceContext): Promise<PublicRule[]> {
  requireAdmin(ctx.actor);
  const rows = await runAs(ctx.db, ctx.actor, (tx) => tx.select().from(routingRules).orderBy(...ruleOrder));
  return rows.map(toRule);
}

export async function getRule(ctx: ServiceContext, id: string): Promise<PublicRule> {
  requireAdmin(ctx.actor);
  const [row] = await runAs(ctx.db, ctx.actor, (tx) => tx.select().from(routingRules).where(eq(routingRules.id, id)));
  if (!row) throw new AppError("NOT_FOUND", "routing rule not found");
  return toRule(row);
}

/** Without a position the rule goes last, so adding a rule never changes how existing ones apply. */
export async function createRule(ctx: ServiceContext, input: RuleInput): Promise<PublicRule> {
  requireAdmin(ctx.actor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const values = {
      name: input.name,
      isActive: input.isActive ?? true,
      keywords: unique(input.keywords ?? []),
      tags: unique(input.tags ?? []),
      channel: input.channel ?? null,
      teamId: input.teamId ?? null,
      priority: input.priority ?? null,
    };
    await checkTarget(tx, values);
    const position =
      input.position ??
      sql<number>`(SELECT coalesce(max(${routingRules.position}) + 1, 0) FROM ${routingRules})`;
    const [row] = await tx.insert(routingRules).values({ ...values, position }).returning();
    return toRule(row!);
  });
}

export async function updateRule(ctx: ServiceContext, id: string, input: Partial<RuleInput>): Promise<PublicRule> {
  requireAdmin(ctx.actor);
  return runAs(ctx.db, ctx.actor, async (tx) => {
    const [current] = await tx.select().from(routingRules).where(eq(routingRules.id, id)).for("update");
    if (!current) throw new AppError("NOT_FOUND", "routing rule not found");
    const patch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.position !== undefined ? { position: input.position } : {}),
      ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
      ...(input.keywords !== undefined ? { keywords: unique(input.keywords) } : {}),
      ...(input.tags !== undefined ? { tags: unique(input.tags) } : {}),
      ...(input.channel !== undefined ? { channel: input.channel } : {}),
      ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
    };
    // Checked against the rule as it will be, so clearing the team of a priority rule is fine.
    await checkTarget(tx, { teamId: patch.teamId !== undefined ? patch.teamId : current.teamId, priority: patch.priority !== undefined ? patch.priority : current.priority });
    const [row] = await tx
      .update(routingRules)
      .set({ ...patch, updatedAt: sql`clock_timestamp()` })
      .where(eq(routingRules.id, id))
      .returning();
    return toRule(row!);
  });
}

export async function deleteRule(ctx: ServiceContext, id: string): Promise<void> {
  requireAdmin(ctx.actor);
  const removed = await runAs(ctx.db, ctx.actor, (tx) =>
    tx.delete(routingRules).where(eq(routingRules.id, id)).returning({ id: routingRules.id }),
  );
  if (removed.length === 0) throw new AppError("NOT_FOUND", "routing rule not found");
}

/** Dry run for admins: what the active rules would decide for this ticket. */
export async function testRules(ctx: ServiceContext, ticket: RoutableTicket): Promise<RoutingMatch> {
  requireAdmin(ctx.actor);
  const rules = await runAs(ctx.db, ctx.actor, (tx) => loadActiveRules(tx));
  return matchRoutingRules(rules, ticket);
}
