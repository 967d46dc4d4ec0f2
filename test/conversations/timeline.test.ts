import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestContext, type TestContext } from "../harness/app.js";
import { createCast, form, textFile } from "./cast.js";

let ctx: TestContext;
let cast: Awaited<ReturnType<typeof createCast>>;
beforeAll(async () => {
  ctx = await createTestContext();
  cast = await createCast(ctx);
});
afterAll(() => ctx?.close());

const timeline = (ticketId: string, token?: string) => ctx.http("GET", `/tickets/${ticketId}/timeline`, { token });
type Item = { type: "message" | "event"; at: string; message?: { id: string; body: string; isInternal: boolean }; event?: { kind: string; to: unknown; isInternal: boolean; field: string | null } };
const describeItem = (i: Item) => (i.type === "message" ? `message:${i.message!.body}` : `event:${i.event!.kind}`);

describe("GET /tickets/{id}/timeline", () => {
  it("merges messages and events in the order they were written (staff see internal items)", async () => {
    const ticket = await cast.ticketOf("new");
    const note = await ctx.http("POST", `/tickets/${ticket.id}/messages`, {
      token: cast.agent.token,
      body: form({ body: "SECRET NOTE", isInternal: true }, textFile("secret", "secret.txt")),
    });
    expect(note.status).toBe(201);
    expect((await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, json: { body: "Hi there" } })).status).toBe(201);

    const res = await timeline(ticket.id, cast.agent.token);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    expect(res.body.data.map(describeItem)).toEqual([
      `message:${ticket.description}`,
      "message:SECRET NOTE",
      "event:ticket.message_added",
      "event:ticket.attachment_added",
      "message:Hi there",
      "event:ticket.message_added",
      "event:ticket.status_changed",
    ]);
    const ats = res.body.data.map((i: Item) => i.at);
    expect([...ats].sort()).toEqual(ats);
    expect(res.body.data[1].message.attachments[0].fileName).toBe("secret.txt");
    expect(res.body.data[2].event).toMatchObject({ isInternal: true, to: { messageId: note.body.id }, actorName: "Ada Agent" });
    expect(res.body.data[6].event).toMatchObject({ field: "status", from: "new", to: "open" });
  });

  it("a ticket opened over the API starts with its first message, then the ticket.created event", async () => {
    // POST /tickets writes message, event and jobs in one statement, whose parts run in no
    // promised order; the order shown must still be the order of meaning.
    for (let i = 0; i < 5; i++) {
      const created = await ctx.http("POST", "/tickets", { token: cast.customerA.token, json: { subject: `Order ${i}`, description: `First words ${i}` } });
      expect(created.status).toBe(201);
      const res = await timeline(created.body.id, cast.customerA.token);
      expect(res.body.data.map(describeItem)).toEqual([`message:First words ${i}`, "event:ticket.created"]);
      expect(res.body.data[0].at <= res.body.data[1].at).toBe(true);
    }
  });

  it("customers see neither the internal note, nor its event, nor its attachment's event", async () => {
    const ticket = await cast.ticketOf("open");
    const note = await ctx.http("POST", `/tickets/${ticket.id}/messages`, {
      token: cast.agent.token,
      body: form({ body: "SECRET NOTE", isInternal: true }, textFile("secret", "secret.txt")),
    });
    expect(note.status).toBe(201);
    await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, json: { body: "Public answer" } });

    const res = await timeline(ticket.id, cast.customerA.token);
    expect(res.status).toBe(200);
    expect(res.body.data.map(describeItem)).toEqual([`message:${ticket.description}`, "message:Public answer", "event:ticket.message_added"]);
    expect(res.text).not.toContain("SECRET");
    expect(res.text).not.toContain("secret.txt");
    expect(res.text).not.toContain(note.body.id);
    expect(res.body.data.every((i: Item) => !(i.message ?? i.event)!.isInternal)).toBe(true);
  });

  it("returns the newest 500 items and says it truncated", async () => {
    const ticket = await cast.ticketOf("open");
    await ctx.database.db.execute(
      sql`INSERT INTO ticket_events (ticket_id, kind, to_value) SELECT ${ticket.id}, 'test.bulk', to_jsonb(g) FROM generate_series(1, 520) g`,
    );
    const res = await timeline(ticket.id, cast.agent.token);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.data).toHaveLength(500);
    expect(res.body.data.at(-1).event.to).toBe(520);
    expect(res.body.data[0].event.to).toBe(21);
  });

  it("400 for an id that is not a uuid", async () => {
    const res = await timeline("nope", cast.agent.token);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("params.id");
  });

  it("401 anonymous; 404 for customer B, an agent outside the team and an unknown ticket", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await timeline(ticket.id)).status).toBe(401);
    for (const token of [cast.customerB.token, cast.outsider.token]) {
      const res = await timeline(ticket.id, token);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("TICKET_NOT_FOUND");
    }
    expect((await timeline("00000000-0000-4000-8000-000000000000", cast.admin.token)).status).toBe(404);
  });
});
