import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../db/client.js";
import { TICKET_PRIORITIES } from "../../db/schema/index.js";
import { listTickets, type ListSort } from "../../src/services/tickets/list.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { signedInUser } from "../harness/auth.js";
import { serviceContextAs } from "./helpers.js";

let ctx: TestContext;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let customerId: string;
const EXISTING = 10_000;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signedInUser(ctx, "admin");
  customerId = (await signedInUser(ctx, "customer")).user.id;
  // One statement, as the superuser. created_at repeats (50 distinct values, 200 tickets each)
  // so the id tie-breaker in the cursor is what keeps pages exact.
  await ctx.database.db.execute(sql`
    INSERT INTO tickets (customer_id, subject, description, priority, status, created_at, updated_at)
    SELECT ${customerId}, 'Bulk ticket ' || g, 'Generated for paging',
           (ARRAY['low','medium','high','urgent'])[1 + g % 4],
           (ARRAY['new','open','pending','resolved','closed'])[1 + g % 5],
           now() - make_interval(secs => g % 50), now()
    FROM generate_series(1, ${EXISTING}) g`);
}, 120_000);
afterAll(() => ctx?.close());

/** New tickets landing before, inside and after the range already paged through. */
let inserted = 0;
async function insertOthers(): Promise<void> {
  inserted++;
  await ctx.database.db.execute(sql`
    INSERT INTO tickets (customer_id, subject, description, priority, created_at)
    VALUES (${customerId}, 'New A', 'x', ${TICKET_PRIORITIES[inserted % 4]!}, clock_timestamp()),
           (${customerId}, 'New B', 'x', ${TICKET_PRIORITIES[(inserted + 1) % 4]!}, now() - interval '20 seconds'),
           (${customerId}, 'New C', 'x', ${TICKET_PRIORITIES[(inserted + 2) % 4]!}, now() - interval '1 hour')`);
}

describe("keyset pagination under concurrent inserts", () => {
  for (const [sort, order] of [
    ["created", "desc"],
    ["priority", "asc"],
  ] as [ListSort, "asc" | "desc"][]) {
    it(`paging through 10,000 tickets while others are inserted returns each existing ticket exactly once (sort=${sort} ${order})`, async () => {
      const existing = (await queryRows<{ id: string }>(ctx.database.db, sql`select id from tickets`)).map((r) => r.id);
      expect(existing.length).toBeGreaterThanOrEqual(EXISTING);
      const service = serviceContextAs(ctx, admin.user);

      const seen: { id: string; priority: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        let page: { data: { id: string; priority: string }[]; nextCursor: string | null };
        if (pages < 3) {
          // The first pages over HTTP; the cursor it hands out is the same one the service reads.
          const res = await ctx.http("GET", `/tickets?sort=${sort}&order=${order}&limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
            token: admin.token,
          });
          expect(res.status).toBe(200);
          page = res.body;
        } else {
          page = await listTickets(service, { sort, order, limit: 100, ...(cursor ? { cursor } : {}) });
        }
        seen.push(...page.data);
        cursor = page.nextCursor;
        pages++;
        await insertOthers();
      } while (cursor);

      const counts = new Map<string, number>();
      for (const t of seen) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
      expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
      expect(existing.filter((id) => counts.get(id) !== 1)).toEqual([]);
      expect(pages).toBeGreaterThanOrEqual(EXISTING / 100);
      if (sort === "priority") {
        const ranks = seen.map((t) => TICKET_PRIORITIES.indexOf(t.priority as never));
        expect(ranks.every((r, i) => i === 0 || r >= ranks[i - 1]!)).toBe(true);
      }
    }, 300_000);
  }
});
