import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiRuns, classifierModels, routingRules, teamMembers, ticketEvents, tickets } from "../../db/schema/index.js";
import { LocalTriageModel } from "../../src/ai/triage/local.js";
import { loadActiveClassifiers } from "../../src/services/triage/classifiers.js";
import { triageTicket } from "../../src/services/triage/triage-ticket.js";
import { trainTriageModel } from "../../src/services/triage/training.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { createTeam, createTicket, createUser } from "../harness/factories.js";

let ctx: TestContext;
let billing: { id: string }, tech: { id: string };
let billingAgents: { id: string }[];
let techAgent: { id: string };
let customer: { id: string };

const deps = () => ({ db: ctx.database.db, threshold: 0.5 });
const localModel = async () => new LocalTriageModel(await loadActiveClassifiers(ctx.database.db), ctx.embedder);
const load = async (id: string) => (await ctx.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  customer = await createUser(db, { role: "customer" });
  billingAgents = [await createUser(db, { role: "agent" }), await createUser(db, { role: "agent" })];
  techAgent = await createUser(db, { role: "agent" });
  billing = await createTeam(db, {
    name: "Billing",
    description: "Invoices, refunds, charges, payment methods, subscription plans and VAT.",
    skills: ["refunds", "invoices"],
    members: billingAgents.map((a) => a.id),
  });
  tech = await createTeam(db, {
    name: "Technical",
    description: "API errors, webhooks, integrations, outages, single sign-on and bugs in the app.",
    skills: ["api", "webhooks"],
    members: [techAgent.id],
  });
});
afterAll(() => ctx?.close());

describe("triage with admin rules first", () => {
  it("applies a matching rule, assigns the least-loaded agent of the team, and logs events", async () => {
    const db = ctx.database.db;
    await db.insert(routingRules).values({ name: "refunds", position: 0, keywords: ["refund"], teamId: billing.id, priority: "high" });
    // The first billing agent already holds two open tickets.
    for (let i = 0; i < 2; i++) await createTicket(db, { customerId: customer.id, teamId: billing.id, assigneeId: billingAgents[0]!.id, status: "open" });
    const t = await createTicket(db, { customerId: customer.id, subject: "Refund please", description: "I want a refund for last month." });
    const record = await triageTicket(deps(), t.id, await localModel());
    expect(record).toMatchObject({ priority: "high", teamId: billing.id, assigneeId: billingAgents[1]!.id, needsHuman: false, provider: "rules" });
    const after = await load(t.id);
    expect(after).toMatchObject({ priority: "high", teamId: billing.id, assigneeId: billingAgents[1]!.id, needsHuman: false });
    const kinds = (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id))).map((e) => [e.kind, e.actorType]);
    expect(kinds).toEqual([
      ["ticket.priority_changed", "ai"],
      ["ticket.team_changed", "ai"],
      ["ticket.assigned", "ai"],
      ["ticket.triaged", "ai"],
    ]);
    // Rules decided everything: no model call, so no ai_runs row.
    expect(await db.select().from(aiRuns).where(eq(aiRuns.ticketId, t.id))).toHaveLength(0);
    await db.delete(routingRules);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const t = await createTicket(ctx.database.db, { customerId: customer.id, subject: "Webhook errors", description: "Our webhook endpoint gets 500 errors from the API." });
    expect(await triageTicket(deps(), t.id, await localModel())).not.toBeNull();
    const events = (await ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id))).length;
    expect(await triageTicket(deps(), t.id, await localModel())).toBeNull();
    expect((await ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id))).length).toBe(events);
  });

  it("keeps a team a person already set", async () => {
    const t = await createTicket(ctx.database.db, { customerId: customer.id, teamId: tech.id, subject: "Refund", description: "Refund my invoice" });
    const record = await triageTicket(deps(), t.id, await localModel());
    expect(record!.teamId).toBe(tech.id);
    expect(record!.teamReasons).toEqual(["set by a person before triage"]);
    expect((await load(t.id)).assigneeId).toBe(techAgent.id);
  });
});

describe("triage without rules or training data", () => {
  it("falls back to team descriptions, and leaves low-confidence fields for a human", async () => {
    const clear = await createTicket(ctx.database.db, {
      customerId: customer.id,
      subject: "Webhooks and API errors",
      description: "Our webhooks stopped arriving and the API returns errors for the integrations.",
    });
    const r1 = await triageTicket(deps(), clear.id, await localModel());
    expect(r1!.teamId).toBe(tech.id);
    expect(r1!.teamReasons[0]).toMatch(/Technical team's description/);

    const vague = await createTicket(ctx.database.db, { customerId: customer.id, subject: "Hello", description: "Hello there, I have something to ask you." });
    const r2 = await triageTicket(deps(), vague.id, await localModel());
    expect(r2!.needsHuman).toBe(true);
    expect((await load(vague.id)).needsHuman).toBe(true);
    const [run] = await ctx.database.db.select().from(aiRuns).where(eq(aiRuns.ticketId, vague.id));
    expect(run).toMatchObject({ kind: "triage", provider: "local" });
  });
});

describe("learning from confirmed tickets", () => {
  it("trains, versions and uses the local classifiers", async () => {
    const db = ctx.database.db;
    const billingWords = ["refund", "invoice", "charged twice", "payment card", "VAT number", "subscription price"];
    const techWords = ["API key", "webhook", "500 error", "SSO login", "integration sync", "rate limit"];
    for (let i = 0; i < 30; i++) {
      const [team, words, priority] = i % 2 ? [billing, billingWords, "low"] : [tech, techWords, "urgent"];
      const w = words[i % words.length]!;
      await createTicket(db, { customerId: customer.id, teamId: team.id, status: "resolved", priority: priority as "low", subject: `Problem with ${w}`, description: `We have an issue with the ${w} since yesterday, please help with the ${w}.` });
    }
    const team = await trainTriageModel(db, "team");
    const priority = await trainTriageModel(db, "priority");
    expect(team).toMatchObject({ trained: true, version: 1, labels: 2 });
    expect(priority.trained).toBe(true);
    expect((await trainTriageModel(db, "team")).version).toBe(2);
    const active = await db.select().from(classifierModels).where(eq(classifierModels.isActive, true));
    expect(active.map((m) => `${m.target}:${m.version}`).sort()).toEqual(["priority:1", "team:2"]);

    const model = await localModel();
    expect(model.model).toBe("priority-v1+team-v2");
    const t = await createTicket(db, { customerId: customer.id, subject: "Invoice refund", description: "I was charged twice on my invoice, I need a refund." });
    const record = await triageTicket(deps(), t.id, model);
    expect(record!.teamId).toBe(billing.id);
    expect(record!.teamReasons[0]).toMatch(/learned team model/);
  });

  it("does not train on too little data", async () => {
    const fresh = await createTestContext();
    try {
      expect(await trainTriageModel(fresh.database.db, "team")).toMatchObject({ trained: false, examples: 0 });
    } finally {
      await fresh.close();
    }
  });
});

describe("agent choice", () => {
  it("skips inactive agents and agents outside the team", async () => {
    const db = ctx.database.db;
    const inactive = await createUser(db, { role: "agent", isActive: false });
    const team = await createTeam(db, { name: "Solo", description: "solo", members: [inactive.id] });
    const t = await createTicket(db, { customerId: customer.id, teamId: team.id, subject: "x", description: "something" });
    const record = await triageTicket(deps(), t.id, await localModel());
    expect(record!.assigneeId).toBeNull();
    expect(record!.needsHuman).toBe(true);
    expect(await db.select().from(teamMembers).where(eq(teamMembers.teamId, team.id))).toHaveLength(1);
  });
});
