import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import * as schema from "../../db/schema/index.js";
import { demoTickets, demoUsers } from "../../db/seed/demo-data.js";
import { seedDemo } from "../../db/seed/seed.js";
import { DEMO_KB_DIR } from "../../src/cli/commands.js";
import { createTestDatabase } from "../harness/database.js";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

async function counts() {
  const tables = {
    users: schema.users,
    identities: schema.userIdentities,
    teams: schema.teams,
    members: schema.teamMembers,
    rules: schema.routingRules,
    sla: schema.slaPolicies,
    articles: schema.kbArticles,
    versions: schema.kbArticleVersions,
    tickets: schema.tickets,
    messages: schema.ticketMessages,
    events: schema.ticketEvents,
    csat: schema.ticketFeedback,
  };
  const out = {} as Record<keyof typeof tables, number>;
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await handle.db.select({ n: count() }).from(table);
    out[name as keyof typeof tables] = row!.n;
  }
  return out;
}

describe("demo seed", () => {
  it("loads a whole demo organisation", async () => {
    await seedDemo(handle.db, { kbDir: DEMO_KB_DIR });
    const c = await counts();
    expect(c.users).toBe(demoUsers.length);
    expect(demoUsers.filter((u) => u.role === "admin")).toHaveLength(1);
    expect(demoUsers.filter((u) => u.role === "agent")).toHaveLength(4);
    expect(demoUsers.filter((u) => u.role === "customer")).toHaveLength(3);
    expect(c.teams).toBe(3);
    expect(c.articles).toBeGreaterThanOrEqual(18);
    expect(c.versions).toBe(c.articles);
    expect(c.tickets).toBe(demoTickets.length);
    expect(c.tickets).toBeGreaterThanOrEqual(25);
    expect(c.sla).toBe(4);
    expect(c.messages).toBeGreaterThan(c.tickets);
    expect(c.csat).toBeGreaterThan(0);

    const statuses = await handle.db.selectDistinct({ s: schema.tickets.status }).from(schema.tickets);
    expect(statuses.map((s) => s.s).sort()).toEqual(["closed", "new", "open", "pending", "resolved"]);
    const [internal] = await handle.db.select({ n: count() }).from(schema.ticketMessages).where(sql`is_internal`);
    expect(internal?.n ?? 0).toBeGreaterThan(0);
  });

  it("seeding twice does not duplicate anything", async () => {
    const before = await counts();
    await seedDemo(handle.db, { kbDir: DEMO_KB_DIR });
    expect(await counts()).toEqual(before);
  });
});
