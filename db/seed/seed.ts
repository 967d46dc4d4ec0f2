import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { hashPassword } from "../../src/auth/passwords.js";
import { parseMarkdownArticle } from "../../src/services/kb/front-matter.js";
import { SYSTEM } from "../../src/auth/actor.js";
import type { Database, Transaction } from "../client.js";
import { runAs } from "../scoped.js";
import { enqueueJob } from "../../src/jobs/outbox.js";
import {
  kbArticleVersions,
  kbArticles,
  routingRules,
  slaPolicies,
  teamMembers,
  teams,
  ticketEvents,
  ticketFeedback,
  ticketMessages,
  tickets,
  userIdentities,
  users,
  type TicketChannel,
  type TicketPriority,
} from "../schema/index.js";
import { DEMO_PASSWORD, demoRoutingRules, demoSlaPolicies, demoTeams, demoTickets, demoUsers } from "./demo-data.js";

export { DEMO_PASSWORD };

export interface SeedResult {
  users: number;
  teams: number;
  articles: number;
  tickets: number;
}

const MINUTE = 60_000;

/**
 * Loads the demo organisation. Every part is keyed (email, team name, rule name, slug, the
 * ticket's demo key in metadata), so running it twice changes nothing the second time.
 */
export async function seedDemo(db: Database, options: { kbDir: string; now?: Date }): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const articles = await readArticles(options.kbDir);

  // As the system actor, so the seed also works where the connecting user is subject to RLS.
  return runAs(db, SYSTEM, async (tx) => {
    const teamIds = await seedTeams(tx);
    const userIds = await seedUsers(tx, passwordHash, teamIds);
    await seedRules(tx, teamIds);
    await tx
      .insert(slaPolicies)
      .values(demoSlaPolicies)
      .onConflictDoNothing({ target: slaPolicies.priority });
    const articleCount = await seedArticles(tx, articles, userIds.get("admin"));
    const ticketCount = await seedTickets(tx, now, userIds, teamIds);
    return { users: userIds.size, teams: teamIds.size, articles: articleCount, tickets: ticketCount };
  });
}

async function readArticles(dir: string) {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".md")).sort();
  return Promise.all(
    files.map(async (file) => ({
      slug: basename(file, ".md"),
      ...parseMarkdownArticle(await readFile(join(dir, file), "utf8"), file),
    })),
  );
}

async function seedTeams(tx: Transaction): Promise<Map<string, string>> {
  await tx
    .insert(teams)
    .values(demoTeams.map(({ name, description, skills }) => ({ name, description, skills })))
    .onConflictDoNothing({ target: teams.name });
  const rows = await tx.select({ id: teams.id, name: teams.name }).from(teams);
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  return new Map(demoTeams.map((t) => [t.key, byName.get(t.name)!]));
}

async function seedUsers(tx: Transaction, passwordHash: string, teamIds: Map<string, string>) {
  await tx
    .insert(users)
    .values(
      demoUsers.map((u) => ({
        email: u.email.toLowerCase(),
        fullName: u.fullName,
        role: u.role,
        passwordHash,
        preferredLanguage: u.preferredLanguage ?? "en",
      })),
    )
    .onConflictDoNothing({ target: users.email });
  const rows = await tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, demoUsers.map((u) => u.email.toLowerCase())));
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  const ids = new Map(demoUsers.map((u) => [u.key, byEmail.get(u.email.toLowerCase())!]));

  const identities = demoUsers.flatMap((u) =>
    [{ kind: "email" as const, value: u.email.toLowerCase() }, ...(u.identities ?? [])].map((i) => ({
      userId: ids.get(u.key)!,
      kind: i.kind,
      value: i.value,
    })),
  );
  await tx.insert(userIdentities).values(identities).onConflictDoNothing();
  const members = demoUsers.flatMap((u) =>
    (u.teams ?? []).map((team) => ({ teamId: teamIds.get(team)!, userId: ids.get(u.key)! })),
  );
  if (members.length) await tx.insert(teamMembers).values(members).onConflictDoNothing();
  return ids;
}

async function seedRules(tx: Transaction, teamIds: Map<string, string>) {
  const existing = new Set((await tx.select({ name: routingRules.name }).from(routingRules)).map((r) => r.name));
  const rows = demoRoutingRules
    .map((rule, position) => ({
      name: rule.name,
      position,
      keywords: rule.keywords,
      channel: (rule.channel ?? null) as TicketChannel | null,
      teamId: rule.team ? teamIds.get(rule.team)! : null,
      priority: (rule.priority ?? null) as TicketPriority | null,
    }))
    .filter((r) => !existing.has(r.name));
  if (rows.length) await tx.insert(routingRules).values(rows);
}

async function seedArticles(
  tx: Transaction,
  articles: Awaited<ReturnType<typeof readArticles>>,
  authorId: string | undefined,
): Promise<number> {
  for (const a of articles) {
    const [row] = await tx
      .insert(kbArticles)
      .values({
        slug: a.slug,
        title: a.title,
        body: a.body,
        category: a.category,
        tags: a.tags,
        status: a.status,
        authorId,
        publishedAt: a.status === "published" ? sql`clock_timestamp()` : null,
      })
      .onConflictDoNothing({ target: kbArticles.slug })
      .returning({ id: kbArticles.id });
    if (!row) continue;
    // Published articles get indexed for search by the kb.embed job, like any publish.
    if (a.status === "published") await enqueueJob(tx, "kb.embed", { articleId: row.id, version: 1 });
    await tx.insert(kbArticleVersions).values({
      articleId: row.id,
      version: 1,
      title: a.title,
      body: a.body,
      category: a.category,
      tags: a.tags,
      status: a.status,
      authorId,
    });
  }
  return articles.length;
}

async function seedTickets(
  tx: Transaction,
  now: Date,
  userIds: Map<string, string>,
  teamIds: Map<string, string>,
): Promise<number> {
  const policies = new Map((await tx.select().from(slaPolicies)).map((p) => [p.priority, p]));
  for (const t of demoTickets) {
    const [seen] = await tx
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(sql`${tickets.metadata}->>'demoKey'`, t.key)));
    if (seen) continue;

    const createdAt = new Date(now.getTime() - t.daysAgo * 24 * 60 * MINUTE);
    const at = (minutes: number) => new Date(createdAt.getTime() + minutes * MINUTE);
    const policy = policies.get(t.priority);
    const firstAgentReply = t.messages.find((m) => !m.isInternal && m.author !== "system" && m.author !== t.customer);
    const lastMinute = Math.max(0, ...t.messages.map((m) => m.minutesAfterCreate));
    const doneAt = ["resolved", "closed"].includes(t.status) ? at(lastMinute + 5) : null;
    const customerId = userIds.get(t.customer)!;

    const [ticket] = await tx
      .insert(tickets)
      .values({
        customerId,
        subject: t.subject,
        description: t.description,
        status: t.status,
        priority: t.priority,
        channel: t.channel,
        teamId: t.team ? teamIds.get(t.team)! : null,
        assigneeId: t.assignee ? userIds.get(t.assignee)! : null,
        tags: t.tags,
        language: t.customer === "maria" ? null : "en",
        firstResponseDueAt: policy ? at(policy.firstResponseMinutes) : null,
        resolutionDueAt: policy ? at(policy.resolutionMinutes) : null,
        firstRespondedAt: firstAgentReply ? at(firstAgentReply.minutesAfterCreate) : null,
        resolvedAt: doneAt,
        closedAt: t.status === "closed" ? doneAt : null,
        metadata: { demoKey: t.key },
        createdAt,
        updatedAt: doneAt ?? at(lastMinute),
      })
      .returning({ id: tickets.id });
    const ticketId = ticket!.id;

    await tx.insert(ticketMessages).values([
      { ticketId, authorId: customerId, authorType: "customer", body: t.description, createdAt },
      ...t.messages.map((m) => ({
        ticketId,
        authorId: m.author === "system" ? null : userIds.get(m.author)!,
        authorType: m.author === "system" ? ("system" as const) : m.author === t.customer ? ("customer" as const) : ("agent" as const),
        body: m.body,
        isInternal: m.isInternal ?? false,
        createdAt: at(m.minutesAfterCreate),
      })),
    ]);

    const events: (typeof ticketEvents.$inferInsert)[] = [
      { ticketId, actorId: customerId, kind: "ticket.created", toValue: { status: "new", priority: t.priority }, createdAt },
    ];
    if (t.assignee) {
      events.push({ ticketId, actorId: userIds.get(t.assignee)!, kind: "ticket.assigned", field: "assigneeId", fromValue: null, toValue: userIds.get(t.assignee)!, createdAt: at(1) });
    }
    if (t.status !== "new") {
      events.push({ ticketId, actorId: t.assignee ? userIds.get(t.assignee)! : null, actorType: t.assignee ? "user" : "system", kind: "ticket.status_changed", field: "status", fromValue: "new", toValue: t.status, createdAt: doneAt ?? at(lastMinute) });
    }
    await tx.insert(ticketEvents).values(events);

    if (t.csat) {
      await tx.insert(ticketFeedback).values({ ticketId, customerId, rating: t.csat.rating, comment: t.csat.comment ?? null, createdAt: at(lastMinute + 60) });
    }
  }
  return demoTickets.length;
}
