import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "../../db/client.js";
import { sortKeyFromPgText } from "../../src/http/pagination.js";
import { createTestDatabase } from "../harness/database.js";

describe("sortKeyFromPgText", () => {
  it("turns Postgres's timestamptz text into the fixed-width UTC cursor key", () => {
    expect(sortKeyFromPgText("2025-01-31 09:15:02.123456+00")).toBe("2025-01-31T09:15:02.123456Z");
    expect(sortKeyFromPgText("2025-01-31 09:15:02.07+00")).toBe("2025-01-31T09:15:02.070000Z");
    expect(sortKeyFromPgText("2025-01-31 09:15:02+00")).toBe("2025-01-31T09:15:02.000000Z");
    expect(sortKeyFromPgText("2025-01-01 05:15:02.5+05:30")).toBe("2024-12-31T23:45:02.500000Z");
    expect(sortKeyFromPgText("2025-12-31 20:00:00.000001-08")).toBe("2026-01-01T04:00:00.000001Z");
  });

  it("refuses anything else rather than make a wrong cursor", () => {
    for (const bad of ["", "yesterday", "2025-01-31", 1738314902, null]) expect(() => sortKeyFromPgText(bad)).toThrow(/timestamptz/);
  });

  describe("against the database, in any session time zone", () => {
    let database: DatabaseHandle;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => database.close());

    it("agrees with to_char(… AT TIME ZONE 'UTC') to the microsecond", async () => {
      for (const zone of ["UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Chatham"]) {
        await database.db.execute(sql`SELECT set_config('TimeZone', ${zone}, false)`);
        const rows = await queryRows<{ raw: string; expected: string }>(
          database.db,
          sql`SELECT t::text AS raw, to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS expected
              FROM unnest(ARRAY['2025-03-30 01:59:59.999999+00', '2024-02-29 23:00:00.5+00', '1999-12-31 23:59:59+00']::timestamptz[]) t`,
        );
        for (const r of rows) expect(sortKeyFromPgText(r.raw)).toBe(r.expected);
      }
    });
  });
});
