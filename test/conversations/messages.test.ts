import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { countRows, createCast, eventsOf, form, textFile, ticketRow } from "./cast.js";

let ctx: TestContext;
let cast: Awaited<ReturnType<typeof createCast>>;
beforeAll(async () => {
  ctx = await createTestContext();
  cast = await createCast(ctx);
});
afterAll(() => ctx?.close());

const post = (ticketId: string, token: string | undefined, json: unknown) => ctx.http("POST", `/tickets/${ticketId}/messages`, { token, json });
const list = (ticketId: string, token: string, query = "") => ctx.http("GET", `/tickets/${ticketId}/messages${query}`, { token });

describe("POST /tickets/{id}/messages", () => {
  it("customer reply: 201 with the message, an event that names the message (not its text) and a ticket.draft job", async () => {
    const ticket = await cast.ticketOf("open");
    const res = await post(ticket.id, cast.customerA.token, { body: "Still broken, see attached logs." });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ticketId: ticket.id,
      authorId: cast.customerA.user.id,
      authorType: "customer",
      authorName: "Alice Customer",
      body: "Still broken, see attached logs.",
      isInternal: false,
      attachments: [],
    });
    const events = await eventsOf(ctx, ticket.id);
    expect(events).toEqual([
      expect.objectContaining({ kind: "ticket.message_added", to_value: { messageId: res.body.id }, is_internal: false, actor_id: cast.customerA.user.id }),
    ]);
    expect(JSON.stringify(events)).not.toContain("Still broken");
    const jobs = await queryRows<{ job: string; payload: unknown }>(ctx.database.db, sql`SELECT job, payload FROM outbox WHERE payload->>'ticketId' = ${ticket.id}`);
    expect(jobs).toEqual([{ job: "ticket.draft", payload: { ticketId: ticket.id, messageId: res.body.id } }]);
  });

  it("bumps the ticket's updated_at", async () => {
    const ticket = await cast.ticketOf("open");
    const before = (await ticketRow(ctx, ticket.id)).updatedAt;
    expect((await post(ticket.id, cast.agent.token, { body: "On it", isInternal: true })).status).toBe(201);
    expect((await ticketRow(ctx, ticket.id)).updatedAt.getTime()).toBeGreaterThan(before.getTime());
  });

  it("staff replies enqueue no draft job", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await post(ticket.id, cast.agent.token, { body: "Hello" })).status).toBe(201);
    expect(await countRows(ctx, "outbox", ticket.id)).toBe(0);
  });

  it.each(["pending", "resolved"] as const)("a customer reply reopens a %s ticket (status + event by the customer)", async (status) => {
    const ticket = await cast.ticketOf(status);
    const res = await post(ticket.id, cast.customerA.token, { body: "It happened again" });
    expect(res.status).toBe(201);
    const row = await ticketRow(ctx, ticket.id);
    expect(row.status).toBe("open");
    expect(row.resolvedAt).toBeNull();
    const events = await eventsOf(ctx, ticket.id);
    expect(events.map((e) => e.kind)).toEqual(["ticket.message_added", "ticket.status_changed"]);
    expect(events[1]).toMatchObject({ field: "status", from_value: status, to_value: "open", actor_id: cast.customerA.user.id });
  });

  it("a customer reply leaves a new ticket new", async () => {
    const ticket = await cast.ticketOf("new");
    expect((await post(ticket.id, cast.customerA.token, { body: "More detail" })).status).toBe(201);
    expect((await ticketRow(ctx, ticket.id)).status).toBe("new");
  });

  it("the first public staff reply sets first_responded_at and opens a new ticket; later replies keep the first time", async () => {
    const ticket = await cast.ticketOf("new");
    // An internal note is not a response to the customer.
    expect((await post(ticket.id, cast.agent.token, { body: "Looking", isInternal: true })).status).toBe(201);
    let row = await ticketRow(ctx, ticket.id);
    expect(row.firstRespondedAt).toBeNull();
    expect(row.status).toBe("new");

    const res = await post(ticket.id, cast.agent.token, { body: "Hi Alice, we are on it." });
    expect(res.status).toBe(201);
    expect(res.body.authorType).toBe("agent");
    row = await ticketRow(ctx, ticket.id);
    expect(row.status).toBe("open");
    const first = row.firstRespondedAt;
    expect(first).toBeInstanceOf(Date);
    const status = (await eventsOf(ctx, ticket.id)).filter((e) => e.kind === "ticket.status_changed");
    expect(status).toEqual([expect.objectContaining({ from_value: "new", to_value: "open", actor_id: cast.agent.user.id })]);

    expect((await post(ticket.id, cast.admin.token, { body: "Admin here too" })).status).toBe(201);
    expect((await ticketRow(ctx, ticket.id)).firstRespondedAt).toEqual(first);
  });

  it("a public staff reply may set pending or resolved", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await post(ticket.id, cast.agent.token, { body: "Can you send a screenshot?", status: "pending" })).status).toBe(201);
    expect((await ticketRow(ctx, ticket.id)).status).toBe("pending");
    expect((await post(ticket.id, cast.agent.token, { body: "Fixed in 2.3", status: "resolved" })).status).toBe(201);
    const row = await ticketRow(ctx, ticket.id);
    expect(row.status).toBe("resolved");
    expect(row.resolvedAt).toBeInstanceOf(Date);
  });

  it("a closed ticket rejects replies with 409 and writes nothing", async () => {
    const ticket = await cast.ticketOf("closed");
    for (const token of [cast.customerA.token, cast.agent.token]) {
      const res = await post(ticket.id, token, { body: "hello?" });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("INVALID_TRANSITION");
    }
    expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    expect(await countRows(ctx, "ticket_events", ticket.id)).toBe(0);
    expect(await countRows(ctx, "outbox", ticket.id)).toBe(0);
  });

  it("409 when a staff status is not an allowed transition (resolved → pending), nothing written", async () => {
    const ticket = await cast.ticketOf("resolved");
    const res = await post(ticket.id, cast.agent.token, { body: "wait", status: "pending" });
    expect(res.status).toBe(409);
    expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
  });

  it("multipart: data JSON plus files; the files come back on the message", async () => {
    const ticket = await cast.ticketOf("open");
    const res = await ctx.http("POST", `/tickets/${ticket.id}/messages`, {
      token: cast.customerA.token,
      body: form({ body: "logs attached" }, textFile("line 1", "log.txt"), textFile("{}", "cfg.json", "application/json")),
    });
    expect(res.status).toBe(201);
    expect(res.body.body).toBe("logs attached");
    expect(res.body.attachments.map((a: { fileName: string }) => a.fileName)).toEqual(["log.txt", "cfg.json"]);
    expect(res.body.attachments[0]).toMatchObject({ messageId: res.body.id, contentType: "text/plain", sizeBytes: 6 });
    expect(await countRows(ctx, "attachments", ticket.id)).toBe(2);
  });

  describe("bad input → 400 naming the field", () => {
    it.each([
      [{ body: "" }, "body.body"],
      [{ body: "x".repeat(20_001) }, "body.body"],
      [{ body: "   " }, "body.body"],
      [{}, "body.body"],
      [{ body: "hi", isInternal: "yes" }, "body.isInternal"],
      [{ body: "hi", status: "closed" }, "body.status"],
      [{ body: "hi", extra: 1 }, "body.extra"],
    ])("%j", async (json, field) => {
      const ticket = await cast.ticketOf("open");
      const res = await post(ticket.id, cast.agent.token, json);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it("accepts exactly 20,000 characters", async () => {
      const ticket = await cast.ticketOf("open");
      expect((await post(ticket.id, cast.agent.token, { body: "x".repeat(20_000) })).status).toBe(201);
    });

    it("an internal note cannot change the status", async () => {
      const ticket = await cast.ticketOf("open");
      const res = await post(ticket.id, cast.agent.token, { body: "note", isInternal: true, status: "resolved" });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("body.status");
    });

    it("a ticket id that is not a uuid", async () => {
      const res = await post("not-a-uuid", cast.agent.token, { body: "hi" });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("params.id");
    });

    it("no body at all", async () => {
      const ticket = await cast.ticketOf("open");
      const res = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token });
      expect(res.status).toBe(400);
    });

    it("multipart whose data is not JSON, or not a valid message", async () => {
      const ticket = await cast.ticketOf("open");
      let res = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, body: form("{nope") });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("body.data");
      res = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, body: form({ body: "" }) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("body.data.body");
      res = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, body: form(undefined, textFile()) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe("body.data");
      expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    });
  });

  describe("who may not", () => {
    it("401 when not signed in", async () => {
      const ticket = await cast.ticketOf("open");
      expect((await post(ticket.id, undefined, { body: "hi" })).status).toBe(401);
    });

    it("403 when a customer tries an internal note or a status, and nothing is written", async () => {
      const ticket = await cast.ticketOf("open");
      let res = await post(ticket.id, cast.customerA.token, { body: "secret", isInternal: true });
      expect(res.status).toBe(403);
      res = await post(ticket.id, cast.customerA.token, { body: "done", status: "resolved" });
      expect(res.status).toBe(403);
      expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    });

    it("404 for another customer's ticket, for an agent outside the team, and for an unknown id", async () => {
      const ticket = await cast.ticketOf("open");
      for (const token of [cast.customerB.token, cast.outsider.token]) {
        const res = await post(ticket.id, token, { body: "hi" });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe("TICKET_NOT_FOUND");
      }
      expect((await post("00000000-0000-4000-8000-000000000000", cast.admin.token, { body: "hi" })).status).toBe(404);
      expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    });

    it("the assigned agent outside the team may reply", async () => {
      const ticket = await cast.ticketOf("open");
      await ctx.database.db.execute(sql`UPDATE tickets SET assignee_id = ${cast.outsider.user.id} WHERE id = ${ticket.id}`);
      expect((await post(ticket.id, cast.outsider.token, { body: "mine now" })).status).toBe(201);
    });
  });
});

describe("GET /tickets/{id}/messages", () => {
  it("pages oldest first; customers never get internal notes, staff do", async () => {
    const ticket = await cast.ticketOf("open");
    await post(ticket.id, cast.agent.token, { body: "INTERNAL: customer is on legacy plan", isInternal: true });
    await post(ticket.id, cast.agent.token, { body: "reply 1" });
    await post(ticket.id, cast.customerA.token, { body: "reply 2" });

    const staff = await list(ticket.id, cast.agent.token);
    expect(staff.status).toBe(200);
    expect(staff.body.data.map((m: { body: string }) => m.body)).toEqual([
      ticket.description,
      "INTERNAL: customer is on legacy plan",
      "reply 1",
      "reply 2",
    ]);

    const customer = await list(ticket.id, cast.customerA.token);
    expect(customer.body.data.map((m: { body: string }) => m.body)).toEqual([ticket.description, "reply 1", "reply 2"]);
    expect(customer.text).not.toContain("INTERNAL");
    expect(customer.body.data[1]).toMatchObject({ authorType: "agent", authorName: "Ada Agent", isInternal: false });

    // Keyset paging walks every row exactly once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(ticket.id, cast.agent.token, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(staff.body.data.map((m: { id: string }) => m.id));
  });

  it("400 for a bad limit or a cursor that was not issued here", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await list(ticket.id, cast.agent.token, "?limit=0")).status).toBe(400);
    expect((await list(ticket.id, cast.agent.token, "?limit=101")).status).toBe(400);
    const garbage = await list(ticket.id, cast.agent.token, "?cursor=garbage");
    expect(garbage.status).toBe(400);
    expect(garbage.body.errors[0].field).toBe("query.cursor");
    const forged = Buffer.from(JSON.stringify(["yesterday", "x"])).toString("base64url");
    expect((await list(ticket.id, cast.agent.token, `?cursor=${forged}`)).status).toBe(400);
  });

  it("401 anonymous; 404 for customer B and for an agent outside the team; admins see all", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await ctx.http("GET", `/tickets/${ticket.id}/messages`)).status).toBe(401);
    expect((await list(ticket.id, cast.customerB.token)).status).toBe(404);
    expect((await list(ticket.id, cast.outsider.token)).status).toBe(404);
    expect((await list(ticket.id, cast.admin.token)).status).toBe(200);
  });
});

describe("OpenAPI", () => {
  it("documents the conversation routes, with both body media types for replies", async () => {
    const doc = await ctx.http("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    for (const path of ["/tickets/{id}/messages", "/tickets/{id}/timeline", "/tickets/{id}/attachments", "/attachments/{id}", "/tickets/{id}/csat"]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(Object.keys(doc.body.paths["/tickets/{id}/messages"].post.requestBody.content)).toEqual(["application/json", "multipart/form-data"]);
  });
});
