import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiDrafts, aiFeedback, aiRuns, kbLearnedQuestions, teams, tickets, users } from "../../db/schema/index.js";
import { seedDemo } from "../../db/seed/seed.js";
import { DEMO_KB_DIR } from "../../src/cli/commands.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { tokenFor } from "../harness/auth.js";

// The whole pipeline in embedded mode: HTTP → outbox → inline runner → triage → draft →
// agent review → the customer reads the reply. Local AI provider, demo organisation.

let ctx: TestContext;
let customer: string;
let admin: string;
const byEmail = async (email: string) => (await ctx.database.db.select().from(users).where(eq(users.email, email)))[0]!;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.database.db, { kbDir: DEMO_KB_DIR });
  await ctx.queue.drain(); // kb.embed for every published article
  customer = await tokenFor(ctx, (await byEmail("maria@acme.example")).id);
  admin = await tokenFor(ctx, (await byEmail("admin@autocrm.local")).id);
}, 120_000);
afterAll(() => ctx?.close());

describe("ticket → triage → draft → approval → customer sees the reply (inline driver)", () => {
  it("runs end to end", async () => {
    const created = await ctx.http("POST", "/tickets", {
      token: customer,
      json: {
        subject: "Refund for a duplicate charge",
        description: "I was charged twice for my Growth plan this month. How do I get a refund for the second charge?",
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    await ctx.queue.drain();

    const [ticket] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, id));
    const [billing] = await ctx.database.db.select().from(teams).where(eq(teams.name, "Billing"));
    expect(ticket!.teamId).toBe(billing!.id);
    expect(ticket!.assigneeId).not.toBeNull();
    expect((ticket!.metadata.ai as { triagedAt?: string }).triagedAt).toBeTruthy();
    const runs = await ctx.database.db.select().from(aiRuns).where(eq(aiRuns.ticketId, id));
    expect(runs.map((r) => r.kind).sort()).toContain("draft");

    const agent = await tokenFor(ctx, ticket!.assigneeId!);
    const drafts = await ctx.http("GET", `/drafts?ticketId=${id}&status=pending`, { token: agent });
    expect(drafts.status).toBe(200);
    expect(drafts.body.data).toHaveLength(1);
    const draft = drafts.body.data[0];
    expect(draft.citations.length).toBeGreaterThan(0);
    expect(draft.citations.map((c: { slug: string }) => c.slug)).toContain("refund-policy");
    // Every sentence of the local draft's answer comes from a cited passage.
    for (const c of draft.citations) for (const s of c.sentences) expect(draft.body).toContain(s);

    // Customers never see drafts.
    expect((await ctx.http("GET", `/drafts/${draft.id}`, { token: customer })).status).toBe(403);

    const approved = await ctx.http("POST", `/drafts/${draft.id}/approve`, { token: agent, json: {} });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", editDistance: 0, finalBody: draft.body });
    expect((await ctx.http("POST", `/drafts/${draft.id}/approve`, { token: agent, json: {} })).status).toBe(409);

    const messages = await ctx.http("GET", `/tickets/${id}/messages`, { token: customer });
    expect(messages.body.data.map((m: { body: string }) => m.body)).toContain(draft.body);
    const [feedback] = await ctx.database.db.select().from(aiFeedback).where(eq(aiFeedback.draftId, draft.id));
    expect(feedback).toMatchObject({ kind: "draft_review", editDistance: 0 });
    // The cited article learned the customer's question.
    const learned = await ctx.database.db.select().from(kbLearnedQuestions).where(eq(kbLearnedQuestions.sourceId, draft.id));
    expect(learned.length).toBeGreaterThan(0);
    const detail = await ctx.http("GET", `/tickets/${id}`, { token: admin });
    expect(detail.body.status).toBe("open");
  });

  it("an edited draft records its edit distance; a rejected one its reason", async () => {
    const make = async (subject: string, description: string) => {
      const res = await ctx.http("POST", "/tickets", { token: customer, json: { subject, description } });
      await ctx.queue.drain();
      const [d] = await ctx.database.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, res.body.id));
      return d!;
    };
    const first = await make("Reset my password", "I forgot my password and the reset email never arrives. How do I reset it?");
    expect(first.status).toBe("pending");
    const edited = await ctx.http("POST", `/drafts/${first.id}/approve`, { token: admin, json: { body: `${first.body}\n\nP.S. I have also resent the email for you.` } });
    expect(edited.body.status).toBe("edited");
    expect(edited.body.editDistance).toBeGreaterThan(0);
    expect(edited.body.editDistance).toBeLessThan(0.5);

    const second = await make("Two-factor codes", "My two-factor authentication codes are rejected when I sign in. What can I do?");
    const rejected = await ctx.http("POST", `/drafts/${second.id}/reject`, { token: admin, json: { reason: "wrong article" } });
    expect(rejected.body).toMatchObject({ status: "rejected", rejectReason: "wrong article" });
    expect((await ctx.http("POST", `/drafts/${second.id}/reject`, { token: admin, json: {} })).status).toBe(400);
  });

  it("abstains on a question the KB cannot answer, and flags the ticket for a human", async () => {
    const res = await ctx.http("POST", "/tickets", {
      token: customer,
      json: { subject: "Catering order for our office party", description: "Can you deliver forty vegetarian pizzas to our office on Friday at noon?" },
    });
    await ctx.queue.drain();
    const [draft] = await ctx.database.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, res.body.id));
    expect(draft!.status).toBe("abstained");
    const [ticket] = await ctx.database.db.select().from(tickets).where(eq(tickets.id, res.body.id));
    expect(ticket!.needsHuman).toBe(true);
  });

  it("a newer customer message supersedes a pending draft", async () => {
    const res = await ctx.http("POST", "/tickets", {
      token: customer,
      json: { subject: "Invoice VAT", description: "How do I add my VAT number so it shows on my invoices?" },
    });
    await ctx.queue.drain();
    await ctx.http("POST", `/tickets/${res.body.id}/messages`, { token: customer, json: { body: "Also, which tax rate do you apply for customers in Germany?" } });
    await ctx.queue.drain();
    const drafts = await ctx.database.db.select().from(aiDrafts).where(eq(aiDrafts.ticketId, res.body.id));
    expect(drafts.map((d) => d.status).sort()).toEqual(expect.arrayContaining(["superseded"]));
    expect(drafts.filter((d) => d.status === "pending" || d.status === "abstained")).toHaveLength(1);
  });
});
