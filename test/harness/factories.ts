import { randomUUID } from "node:crypto";
import { hashPassword } from "../../src/auth/passwords.js";
import type { Executor } from "../../db/client.js";
import {
  kbArticles,
  teamMembers,
  teams,
  ticketMessages,
  tickets,
  users,
  type ArticleStatus,
  type Role,
  type TicketPriority,
  type TicketStatus,
} from "../../db/schema/index.js";

// Factories write straight to the database so a test can set up any state in one line;
// the behaviour under test still goes through the API or the services.

export const TEST_PASSWORD = "correct horse battery staple";
let cachedHash: Promise<string> | undefined;
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));
const unique = () => randomUUID().slice(0, 8);

export async function createUser(db: Executor, attrs: { role?: Role; email?: string; fullName?: string; isActive?: boolean } = {}) {
  const role = attrs.role ?? "customer";
  const [user] = await db
    .insert(users)
    .values({
      email: (attrs.email ?? `${role}-${unique()}@example.test`).toLowerCase(),
      fullName: attrs.fullName ?? `Test ${role}`,
      role,
      passwordHash: await passwordHash(),
      isActive: attrs.isActive ?? true,
    })
    .returning();
  return user!;
}

export async function createTeam(db: Executor, attrs: { name?: string; description?: string; skills?: string[]; members?: string[] } = {}) {
  const [team] = await db
    .insert(teams)
    .values({ name: attrs.name ?? `Team ${unique()}`, description: attrs.description ?? "", skills: attrs.skills ?? [] })
    .returning();
  if (attrs.members?.length) {
    await db.insert(teamMembers).values(attrs.members.map((userId) => ({ teamId: team!.id, userId })));
  }
  return team!;
}

export async function createTicket(
  db: Executor,
  attrs: {
    customerId: string;
    subject?: string;
    description?: string;
    status?: TicketStatus;
    priority?: TicketPriority;
    teamId?: string | null;
    assigneeId?: string | null;
    tags?: string[];
    createdAt?: Date;
  },
) {
  const description = attrs.description ?? "Something is not working as expected.";
  const [ticket] = await db
    .insert(tickets)
    .values({
      customerId: attrs.customerId,
      subject: attrs.subject ?? `Ticket ${unique()}`,
      description,
      status: attrs.status ?? "new",
      priority: attrs.priority ?? "medium",
      teamId: attrs.teamId ?? null,
      assigneeId: attrs.assigneeId ?? null,
      tags: attrs.tags ?? [],
      ...(attrs.createdAt ? { createdAt: attrs.createdAt, updatedAt: attrs.createdAt } : {}),
    })
    .returning();
  await db.insert(ticketMessages).values({ ticketId: ticket!.id, authorId: attrs.customerId, authorType: "customer", body: description });
  return ticket!;
}

export async function createArticle(
  db: Executor,
  attrs: { title?: string; body?: string; category?: string; tags?: string[]; status?: ArticleStatus; slug?: string; updatedAt?: Date } = {},
) {
  const title = attrs.title ?? `Article ${unique()}`;
  const [article] = await db
    .insert(kbArticles)
    .values({
      slug: attrs.slug ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
      title,
      body: attrs.body ?? "## Overview\n\nSome helpful text.",
      category: attrs.category ?? "getting-started",
      tags: attrs.tags ?? [],
      status: attrs.status ?? "published",
      ...(attrs.updatedAt ? { createdAt: attrs.updatedAt, updatedAt: attrs.updatedAt } : {}),
    })
    .returning();
  return article!;
}
