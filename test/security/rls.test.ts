import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { runAs } from "../../db/scoped.js";
import * as schema from "../../db/schema/index.js";
import type { Actor } from "../../src/auth/actor.js";
import { createTestDatabase } from "../harness/database.js";
import { createArticle, createTeam, createTicket, createUser } from "../harness/factories.js";

// Row-level security on its own: every query below deliberately has NO WHERE clause, as a
// buggy service might. The policies alone must keep each actor to their own rows.

let handle: DatabaseHandle;
let customerA: Actor, customerB: Actor, teamAgent: Actor, outsider: Actor, admin: Actor;
const ids: Record<string, string> = {};

const asUser = (u: { id: string; role: "customer" | "agent" | "admin"; email: string; fullName: string }): Actor => ({ kind: "user", ...u });

beforeAll(async () => {
  handle = await createTestDatabase();
  const db = handle.db;
  const [a, b, agent, other, adm] = await Promise.all([
    createUser(db, { role: "customer" }),
    createUser(db, { role: "customer" }),
    createUser(db, { role: "agent" }),
    createUser(db, { role: "agent" }),
    createUser(db, { role: "admin" }),
  ]);
  [customerA, customerB, teamAgent, outsider, admin] = [asUser(a), asUser(b), asUser(agent), asUser(other), asUser(adm)];
  const team = await createTeam(db, { members: [agent!.id] });
  const ticketA = await createTicket(db, { customerId: a!.id, teamId: team.id });
  const ticketB = await createTicket(db, { customerId: b!.id, teamId: team.id });
  const unassigned = await createTicket(db, { customerId: b!.id });
  Object.assign(ids, { a: a!.id, b: b!.id, ticketA: ticketA.id, ticketB: ticketB.id, unassigned: unassigned.id });

  await db.insert(schema.ticketMessages).values([
    { ticketId: ticketA.id, authorId: agent!.id, authorType: "agent", body: "public reply to A" },
    { ticketId: ticketA.id, authorId: agent!.id, authorType: "agent", body: "INTERNAL: refund pending", isInternal: true },
  ]);
  await db.insert(schema.ticketEvents).values([
    { ticketId: ticketA.id, kind: "ticket.created" },
    { ticketId: ticketA.id, kind: "ticket.message_added", isInternal: true },
    { ticketId: ticketB.id, kind: "ticket.created" },
  ]);
  await db.insert(schema.ticketFeedback).values({ ticketId: ticketB.id, customerId: b!.id, rating: 5 });
  await db.insert(schema.attachments).values({ ticketId: ticketB.id, fileName: "b.pdf", contentType: "application/pdf", sizeBytes: 1, sha256: "x", storageKey: "k" });
  await createArticle(db, { title: "Published one", status: "published" });
  await createArticle(db, { title: "Secret draft", status: "draft" });
});
afterAll(() => handle?.close());

const all = (actor: Actor, table: string) =>
  runAs(handle.db, actor, (tx) => queryRows<Record<string, unknown>>(tx, sql.raw(`SELECT * FROM ${table}`)));

describe("row-level security with the WHERE clause left out", () => {
  it("customer A sees only A's tickets, messages, events, feedback and attachments", async () => {
    const tickets = await all(customerA, "tickets");
    expect(tickets.map((t) => t.id)).toEqual([ids.ticketA]);
    const messages = await all(customerA, "ticket_messages");
    expect(messages.every((m) => m.ticket_id === ids.ticketA)).toBe(true);
    expect(messages.some((m) => m.is_internal)).toBe(false);
    expect(messages.map((m) => m.body)).not.toContain("INTERNAL: refund pending");
    const events = await all(customerA, "ticket_events");
    expect(events.map((e) => e.kind)).toEqual(["ticket.created"]);
    expect(await all(customerA, "ticket_feedback")).toEqual([]);
    expect(await all(customerA, "attachments")).toEqual([]);
  });

  it("customers see themselves and staff, never another customer", async () => {
    const users = await all(customerA, "users");
    expect(users.map((u) => u.id)).not.toContain(ids.b);
    expect(users.map((u) => u.id)).toContain(ids.a);
    expect(users.every((u) => u.id === ids.a || u.role !== "customer")).toBe(true);
  });

  it("an agent sees team tickets and unassigned-no-team ones, not other teams'", async () => {
    const mine = (await all(teamAgent, "tickets")).map((t) => t.id).sort();
    expect(mine).toEqual([ids.ticketA, ids.ticketB, ids.unassigned].sort());
    const outside = (await all(outsider, "tickets")).map((t) => t.id);
    expect(outside).toEqual([ids.unassigned]);
    // Agents see internal notes on tickets they can see.
    expect((await all(teamAgent, "ticket_messages")).some((m) => m.is_internal)).toBe(true);
  });

  it("admins see everything", async () => {
    expect(await all(admin, "tickets")).toHaveLength(3);
  });

  it("customers and visitors see published articles only", async () => {
    for (const actor of [customerA, { kind: "anonymous" } as Actor]) {
      const titles = (await all(actor, "kb_articles")).map((a) => a.title);
      expect(titles).toContain("Published one");
      expect(titles).not.toContain("Secret draft");
    }
    expect(await all(customerA, "kb_article_versions")).toEqual([]);
  });

  it("anonymous callers see no tickets, users or sessions", async () => {
    const anon: Actor = { kind: "anonymous" };
    expect(await all(anon, "tickets")).toEqual([]);
    expect(await all(anon, "users")).toEqual([]);
    expect(await all(anon, "sessions")).toEqual([]);
  });

  it("a customer cannot write a ticket for someone else or an internal note", async () => {
    await expect(
      runAs(handle.db, customerA, (tx) => tx.insert(schema.tickets).values({ customerId: ids.b!, subject: "x", description: "y" })),
    ).rejects.toThrow();
    await expect(
      runAs(handle.db, customerA, (tx) =>
        tx.insert(schema.ticketMessages).values({ ticketId: ids.ticketA!, authorId: ids.a!, authorType: "agent", body: "x", isInternal: true }),
      ),
    ).rejects.toThrow();
    // Updates of invisible rows silently touch nothing.
    const updated = await runAs(handle.db, customerA, (tx) => tx.update(schema.tickets).set({ subject: "hijacked" }).returning());
    expect(updated.map((t) => t.id)).toEqual([ids.ticketA]);
  });

  it("requests do not run as a role that bypasses RLS", async () => {
    const [row] = await runAs(handle.db, customerA, (tx) =>
      queryRows<{ current_user: string; rolbypassrls: boolean; rolsuper: boolean }>(
        tx,
        sql`SELECT current_user, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user`,
      ),
    );
    expect(row).toEqual({ current_user: "autocrm_app", rolbypassrls: false, rolsuper: false });
  });

  it("the caller's role and settings end with the transaction", async () => {
    await runAs(handle.db, customerA, async () => {});
    const [row] = await queryRows<{ current_user: string; user_id: string; role: string }>(
      handle.db,
      sql`SELECT current_user, coalesce(current_setting('app.user_id', true), '') AS user_id, coalesce(current_setting('app.role', true), '') AS role`,
    );
    expect(row).toEqual({ current_user: "postgres", user_id: "", role: "" });
  });

  it("policies read the settings with built-ins, not through the PL/pgSQL helpers (0011)", async () => {
    const policies = await queryRows<{ name: string; rule: string }>(
      handle.db,
      sql`SELECT tablename || '.' || policyname AS name, coalesce(qual, '') || ' ' || coalesce(with_check, '') AS rule
          FROM pg_policies WHERE schemaname = 'public'`,
    );
    expect(policies.length).toBeGreaterThan(15);
    const callingHelpers = policies.filter((p) => /app_(role|user_id|is_staff|is_admin)\(/.test(p.rule)).map((p) => p.name);
    expect(callingHelpers).toEqual([]);
  });

  it("customer B cannot see customer A's ticket either", async () => {
    const tickets = await all(customerB, "tickets");
    expect(tickets.map((t) => t.id).sort()).toEqual([ids.ticketB, ids.unassigned].sort());
  });
});
