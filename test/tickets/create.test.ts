import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/client.js";
import { attachments, outbox, ticketEvents, ticketMessages, tickets } from "../../db/schema/index.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { badFields, MINUTE, POLICIES, seedSlaPolicies } from "./helpers.js";

let ctx: TestContext;
let customer: Awaited<ReturnType<typeof signedInUser>>;
let otherCustomer: Awaited<ReturnType<typeof signedInUser>>;
let agent: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSlaPolicies(ctx);
  customer = await signedInUser(ctx, "customer");
  otherCustomer = await signedInUser(ctx, "customer");
  agent = await signedInUser(ctx, "agent");
});
afterAll(() => ctx?.close());

const valid = { subject: "Cannot export invoices", description: "The export button spins forever." };
const ticketCount = async () => (await queryRows<{ n: number }>(ctx.database.db, sql`select count(*)::int as n from tickets`))[0]!.n;

describe("POST /tickets (JSON)", () => {
  it("opens a ticket with its first message, event, SLA due dates and triage outbox row", async () => {
    const res = await ctx.http("POST", "/tickets", {
      token: customer.token,
      json: { ...valid, priority: "urgent", tags: ["Billing", "billing ", "VIP"], customFields: { plan: "pro", seats: 3 } },
    });
    expect(res.status).toBe(201);
    const t = res.body;
    expect(t).toMatchObject({
      subject: valid.subject,
      description: valid.description,
      status: "new",
      priority: "urgent",
      channel: "web",
      customerId: customer.user.id,
      teamId: null,
      assigneeId: null,
      tags: ["billing", "vip"],
      customFields: { plan: "pro", seats: 3 },
      needsHuman: false,
      resolvedAt: null,
    });
    expect(t.number).toBeGreaterThanOrEqual(1001);
    const created = Date.parse(t.createdAt);
    expect(Date.parse(t.firstResponseDueAt)).toBe(created + POLICIES.urgent.firstResponseMinutes * MINUTE);
    expect(Date.parse(t.resolutionDueAt)).toBe(created + POLICIES.urgent.resolutionMinutes * MINUTE);
    expect(t.sla).toEqual({ state: "ok", firstResponseDueAt: t.firstResponseDueAt, resolutionDueAt: t.resolutionDueAt, firstRespondedAt: null });

    const db = ctx.database.db;
    const messages = await db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, t.id));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ authorId: customer.user.id, authorType: "customer", body: valid.description, isInternal: false });
    const events = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(events.map((e) => e.kind)).toEqual(["ticket.created"]);
    expect(events[0]!.actorId).toBe(customer.user.id);
    const jobs = await db.select().from(outbox).where(sql`${outbox.payload}->>'ticketId' = ${t.id}`).orderBy(outbox.seq);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toMatchObject({ job: "ticket.triage", payload: { ticketId: t.id }, dispatchedAt: null });
    expect(jobs[1]).toMatchObject({ job: "ticket.draft", payload: { ticketId: t.id, messageId: messages[0]!.id }, dispatchedAt: null });
  });

  it("defaults priority to medium, channel to web, and accepts other channels", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { ...valid, channel: "email" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ priority: "medium", channel: "email", tags: [], customFields: {} });
    expect(Date.parse(res.body.resolutionDueAt) - Date.parse(res.body.createdAt)).toBe(POLICIES.medium.resolutionMinutes * MINUTE);
  });

  it("lets staff open a ticket on behalf of a customer (the message is the customer's)", async () => {
    const res = await ctx.http("POST", "/tickets", { token: agent.token, json: { ...valid, customerId: customer.user.id, channel: "chat" } });
    expect(res.status).toBe(201);
    expect(res.body.customerId).toBe(customer.user.id);
    const [message] = await ctx.database.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, res.body.id));
    expect(message).toMatchObject({ authorId: customer.user.id, authorType: "customer" });
    const [event] = await ctx.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, res.body.id));
    expect(event!.actorId).toBe(agent.user.id);
  });

  it("a customer naming themselves as customerId is fine", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { ...valid, customerId: customer.user.id } });
    expect(res.status).toBe(201);
    expect(res.body.customerId).toBe(customer.user.id);
  });
});

describe("POST /tickets: bad input", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["empty subject", { subject: "  " }, "body.subject"],
    ["subject over 300", { subject: "s".repeat(301) }, "body.subject"],
    ["missing subject", { subject: undefined }, "body.subject"],
    ["empty description", { description: "" }, "body.description"],
    ["description over 20,000", { description: "d".repeat(20_001) }, "body.description"],
    ["unknown priority", { priority: "critical" }, "body.priority"],
    ["unknown channel", { channel: "fax" }, "body.channel"],
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "body.tags"],
    ["a tag over 50", { tags: ["x".repeat(51)] }, "body.tags.0"],
    ["an empty tag", { tags: ["ok", " "] }, "body.tags.1"],
    ["customFields not an object", { customFields: ["a"] }, "body.customFields"],
    ["customFields with 51 keys", { customFields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, "body.customFields"],
    ["customFields over 16 KB", { customFields: { blob: "x".repeat(17_000) } }, "body.customFields"],
    ["customerId not a uuid", { customerId: "abc" }, "body.customerId"],
    ["an unknown field", { status: "open" }, "body.status"],
  ];
  it.each(cases)("%s → 400 naming the field", async (_name, change, field) => {
    const before = await ticketCount();
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { ...valid, ...change } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(badFields(res)).toContain(field);
    expect(await ticketCount()).toBe(before);
  });

  it("staff must name an existing customer", async () => {
    const missing = await ctx.http("POST", "/tickets", { token: agent.token, json: valid });
    expect(missing.status).toBe(400);
    expect(badFields(missing)).toEqual(["body.customerId"]);

    const unknown = await ctx.http("POST", "/tickets", { token: agent.token, json: { ...valid, customerId: crypto.randomUUID() } });
    expect(unknown.status).toBe(400);
    expect(badFields(unknown)).toEqual(["body.customerId"]);

    const notACustomer = await ctx.http("POST", "/tickets", { token: agent.token, json: { ...valid, customerId: agent.user.id } });
    expect(notACustomer.status).toBe(400);
    expect(badFields(notACustomer)).toEqual(["body.customerId"]);
  });

  it("malformed JSON is a 400", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: "{nope", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
  });
});

describe("POST /tickets: who may not", () => {
  it("needs a signed-in user", async () => {
    const res = await ctx.http("POST", "/tickets", { json: valid });
    expect(res.status).toBe(401);
  });

  it("a customer cannot open a ticket for another customer", async () => {
    const before = await ticketCount();
    const res = await ctx.http("POST", "/tickets", { token: customer.token, json: { ...valid, customerId: otherCustomer.user.id } });
    expect(res.status).toBe(403);
    expect(await ticketCount()).toBe(before);
  });
});

describe("POST /tickets: Idempotency-Key", () => {
  const post = (token: string, json: unknown, key: string) => ctx.http("POST", "/tickets", { token, json, headers: { "idempotency-key": key } });

  it("replays the first response for the same key and body, creating one ticket", async () => {
    const body = { ...valid, subject: "Idempotent one" };
    const first = await post(customer.token, body, "key-1");
    const again = await post(customer.token, body, "key-1");
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const rows = await ctx.database.db.select().from(tickets).where(eq(tickets.subject, "Idempotent one"));
    expect(rows).toHaveLength(1);
  });

  it("409 when the same key comes with a different body", async () => {
    await post(customer.token, { ...valid, subject: "First body" }, "key-2");
    const res = await post(customer.token, { ...valid, subject: "Second body" }, "key-2");
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await ctx.database.db.select().from(tickets).where(eq(tickets.subject, "Second body"))).toHaveLength(0);
  });

  it("keys are per user: another user's same key creates their own ticket", async () => {
    const a = await post(customer.token, { ...valid, subject: "Shared key" }, "key-3");
    const b = await post(otherCustomer.token, { ...valid, subject: "Shared key" }, "key-3");
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.customerId).toBe(otherCustomer.user.id);
  });

  it("two identical requests racing create one ticket", async () => {
    const body = { ...valid, subject: "Racing" };
    const [a, b] = await Promise.all([post(customer.token, body, "key-race"), post(customer.token, body, "key-race")]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(await ctx.database.db.select().from(tickets).where(eq(tickets.subject, "Racing"))).toHaveLength(1);
  });

  it("a failed request stores nothing, so the key can be retried", async () => {
    const bad = await post(customer.token, { ...valid, subject: "" }, "key-retry");
    expect(bad.status).toBe(400);
    const good = await post(customer.token, { ...valid, subject: "Retried" }, "key-retry");
    expect(good.status).toBe(201);
  });

  it("400 naming the header for a key over 200 characters", async () => {
    const res = await post(customer.token, valid, "k".repeat(201));
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["headers.idempotency-key"]);
  });
});

describe("POST /tickets (multipart)", () => {
  const form = (data: unknown, files: File[] = []) => {
    const fd = new FormData();
    fd.set("data", typeof data === "string" ? data : JSON.stringify(data));
    for (const f of files) fd.append("files", f);
    return fd;
  };

  it("creates the ticket with the attachment on its first message", async () => {
    const file = new File(["hello from the log file\n"], "log.txt", { type: "text/plain" });
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: form({ ...valid, subject: "With a file" }, [file]) });
    expect(res.status).toBe(201);
    expect(res.body.subject).toBe("With a file");
    const db = ctx.database.db;
    const [message] = await db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, res.body.id));
    const rows = await db.select().from(attachments).where(eq(attachments.ticketId, res.body.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ messageId: message!.id, fileName: "log.txt", contentType: "text/plain", sizeBytes: 24, uploaderId: customer.user.id });
    expect(Buffer.from(await ctx.storage.get(rows[0]!.storageKey)).toString()).toBe("hello from the log file\n");
    const kinds = (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, res.body.id))).map((e) => e.kind);
    expect(kinds).toEqual(["ticket.created", "ticket.attachment_added"]);
  });

  it("415 for a file type we do not accept, leaving no ticket, message or job behind", async () => {
    const before = await ticketCount();
    const jobsBefore = (await ctx.database.db.select().from(outbox)).length;
    const file = new File(["<script>alert(1)</script>"], "page.html", { type: "text/html" });
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: form({ ...valid, subject: "Bad file" }, [file]) });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(await ticketCount()).toBe(before);
    expect((await ctx.database.db.select().from(outbox)).length).toBe(jobsBefore);
  });

  it("400 naming body.data.<field> when the data JSON is invalid", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: form({ ...valid, subject: "", priority: "nope" }) });
    expect(res.status).toBe(400);
    expect(badFields(res).sort()).toEqual(["body.data.priority", "body.data.subject"]);
  });

  it("400 when data is not JSON", async () => {
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: form("{not json") });
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["body.data"]);
  });

  it("a file part that is not a file is a 400", async () => {
    const fd = form(valid);
    fd.append("files", "just text");
    const res = await ctx.http("POST", "/tickets", { token: customer.token, body: fd });
    expect(res.status).toBe(400);
    expect(badFields(res)).toEqual(["body.files.0"]);
  });
});

describe("OpenAPI", () => {
  it("documents POST /tickets with both content types and the ticket routes", async () => {
    const res = await ctx.http("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["/tickets", "/tickets/{id}", "/tickets/bulk"]));
    expect(Object.keys(paths["/tickets"].post.requestBody.content).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(paths["/tickets"].post.parameters.map((p: { name: string }) => p.name)).toContain("idempotency-key");
    expect(Object.keys(paths["/tickets/{id}"])).toEqual(expect.arrayContaining(["get", "patch"]));
  });
});
