import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";
import { countRows, createCast, eventsOf } from "./cast.js";

let ctx: TestContext;
let cast: Awaited<ReturnType<typeof createCast>>;
beforeAll(async () => {
  ctx = await createTestContext();
  cast = await createCast(ctx);
});
afterAll(() => ctx?.close());

const rate = (ticketId: string, token: string | undefined, json: unknown) => ctx.http("POST", `/tickets/${ticketId}/csat`, { token, json });
const rating = (ticketId: string, token?: string) => ctx.http("GET", `/tickets/${ticketId}/csat`, { token });

describe("POST /tickets/{id}/csat", () => {
  it("the customer rates a resolved ticket once; the rating is readable by them and by staff", async () => {
    const ticket = await cast.ticketOf("resolved");
    const res = await rate(ticket.id, cast.customerA.token, { rating: 4, comment: "Quick and friendly" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ticketId: ticket.id, customerId: cast.customerA.user.id, rating: 4, comment: "Quick and friendly" });
    expect(await eventsOf(ctx, ticket.id)).toEqual([expect.objectContaining({ kind: "ticket.rated", to_value: { rating: 4 }, actor_id: cast.customerA.user.id })]);

    const again = await rate(ticket.id, cast.customerA.token, { rating: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ALREADY_RATED");
    expect(await countRows(ctx, "ticket_feedback", ticket.id)).toBe(1);
    expect(await countRows(ctx, "ticket_events", ticket.id)).toBe(1);

    for (const token of [cast.customerA.token, cast.agent.token, cast.admin.token]) {
      const got = await rating(ticket.id, token);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ rating: 4, comment: "Quick and friendly" });
    }
  });

  it("closed tickets can be rated; the comment is optional", async () => {
    const ticket = await cast.ticketOf("closed");
    const res = await rate(ticket.id, cast.customerA.token, { rating: 5 });
    expect(res.status).toBe(201);
    expect(res.body.comment).toBeNull();
  });

  it.each(["new", "open", "pending"] as const)("409 while the ticket is %s, with a detail saying when it can be rated", async (status) => {
    const ticket = await cast.ticketOf(status);
    const res = await rate(ticket.id, cast.customerA.token, { rating: 5 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("INVALID_TRANSITION");
    expect(res.body.detail).toContain("resolved or closed");
    expect(await countRows(ctx, "ticket_feedback", ticket.id)).toBe(0);
  });

  describe("bad input → 400", () => {
    it.each([
      [{ rating: 0 }, "body.rating"],
      [{ rating: 6 }, "body.rating"],
      [{ rating: 4.5 }, "body.rating"],
      [{ rating: "5" }, "body.rating"],
      [{}, "body.rating"],
      [{ rating: 3, comment: "x".repeat(2001) }, "body.comment"],
      [{ rating: 3, stars: 3 }, "body.stars"],
    ])("%j", async (json, field) => {
      const ticket = await cast.ticketOf("resolved");
      const res = await rate(ticket.id, cast.customerA.token, json);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countRows(ctx, "ticket_feedback", ticket.id)).toBe(0);
    });

    it("a ticket id that is not a uuid", async () => {
      expect((await rate("x", cast.customerA.token, { rating: 3 })).status).toBe(400);
    });
  });

  describe("who may not", () => {
    it("401 anonymous", async () => {
      const ticket = await cast.ticketOf("resolved");
      expect((await rate(ticket.id, undefined, { rating: 5 })).status).toBe(401);
    });

    it("404 for customer B and for an agent outside the team", async () => {
      const ticket = await cast.ticketOf("resolved");
      for (const token of [cast.customerB.token, cast.outsider.token]) {
        const res = await rate(ticket.id, token, { rating: 1 });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe("TICKET_NOT_FOUND");
      }
      expect(await countRows(ctx, "ticket_feedback", ticket.id)).toBe(0);
    });

    it("403 for staff who can see the ticket (the rating is the customer's)", async () => {
      const ticket = await cast.ticketOf("resolved");
      for (const token of [cast.agent.token, cast.admin.token]) {
        const res = await rate(ticket.id, token, { rating: 5 });
        expect(res.status).toBe(403);
      }
      expect(await countRows(ctx, "ticket_feedback", ticket.id)).toBe(0);
    });
  });
});

describe("GET /tickets/{id}/csat", () => {
  it("404 when the ticket has not been rated", async () => {
    const ticket = await cast.ticketOf("resolved");
    const res = await rating(ticket.id, cast.customerA.token);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });

  it("400 bad id; 401 anonymous; 404 for customer B and an agent outside the team even when rated", async () => {
    const ticket = await cast.ticketOf("resolved");
    expect((await rate(ticket.id, cast.customerA.token, { rating: 2, comment: "slow" })).status).toBe(201);
    expect((await rating("x", cast.agent.token)).status).toBe(400);
    expect((await rating(ticket.id)).status).toBe(401);
    for (const token of [cast.customerB.token, cast.outsider.token]) {
      const res = await rating(ticket.id, token);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain("slow");
    }
  });
});
