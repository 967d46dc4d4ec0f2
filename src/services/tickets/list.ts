import { and, arrayContains, asc, desc, eq, inArray, isNull, sql, type AnyColumn, type SQL, type SQLWrapper } from "drizzle-orm";
import { queryRows } from "../../../db/client.js";
import { runAs } from "../../../db/scoped.js";
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  tickets,
  type TicketPriority,
  type TicketStatus,
} from "../../../db/schema/index.js";
import { actorId } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import { decodeCursor, encodeCursor, isSortKey, isUuid, keysetKeyOf, sortKeyFromPgText } from "../../http/pagination.js";
import { escapeLike } from "../accounts/users.js";
import type { ServiceContext } from "../context.js";
import { ticketVisibility } from "./access.js";
import { SHOWN_TICKET_JSON, toTicketDto, type TicketDto } from "./dto.js";
import { slaCondition, type SlaFilter } from "./sla.js";

export const LIST_SORTS = ["created", "updated", "priority", "status"] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export interface ListTicketsInput {
  status?: TicketStatus[];
  priority?: TicketPriority[];
  teamId?: string;
  /** A user id, "none" (unassigned) or "me" (the caller). */
  assigneeId?: string;
  customerId?: string;
  tag?: string;
  q?: string;
  createdFrom?: string;
  createdTo?: string;
  sla?: SlaFilter;
  needsHuman?: boolean;
  sort?: ListSort;
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
}

/** CASE expression ranking a text column by its vocabulary's order (low < … < urgent, new < … < closed). */
function rankOf(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`(CASE ${column} ${sql.raw(values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(" "))} END)`;
}

// Each sort: the key expression, the value read with each row and how the last row's becomes the
// cursor's (timestamps as their text, which keeps the microseconds a JS Date would drop; only the
// page's last one is reshaped), and how a cursor value is checked and cast back.
const timestampSort = (column: AnyColumn) => ({
  key: sql`${column}`,
  cursorValue: keysetKeyOf(column),
  toCursor: sortKeyFromPgText,
  valid: isSortKey,
  cast: (v: unknown) => sql`${v}::timestamptz`,
});
const rankSort = (rank: SQL, size: number) => ({
  key: rank,
  cursorValue: sql<unknown>`${rank}`,
  toCursor: (v: unknown) => v,
  valid: (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < size,
  cast: (v: unknown) => sql`${v}::int`,
});

const SORTS = {
  created: timestampSort(tickets.createdAt),
  updated: timestampSort(tickets.updatedAt),
  priority: rankSort(rankOf(tickets.priority, TICKET_PRIORITIES), TICKET_PRIORITIES.length),
  status: rankSort(rankOf(tickets.status, TICKET_STATUSES), TICKET_STATUSES.length),
} satisfies Record<ListSort, unknown>;

function badCursor(): AppError {
  return invalidField("query.cursor", "not a cursor returned by this endpoint for this sort");
}

function filtersOf(ctx: ServiceContext, input: ListTicketsInput): (SQL | undefined)[] {
  const assignee =
    input.assigneeId === undefined
      ? undefined
      : input.assigneeId === "none"
        ? isNull(tickets.assigneeId)
        : input.assigneeId === "me"
          ? (actorId(ctx.actor) ? eq(tickets.assigneeId, actorId(ctx.actor)!) : sql`false`)
          : eq(tickets.assigneeId, input.assigneeId);
  return [
    ticketVisibility(ctx.actor),
    input.status?.length ? inArray(tickets.status, input.status) : undefined,
    input.priority?.length ? inArray(tickets.priority, input.priority) : undefined,
    input.teamId ? eq(tickets.teamId, input.teamId) : undefined,
    assignee,
    input.customerId ? eq(tickets.customerId, input.customerId) : undefined,
    input.tag ? arrayContains(tickets.tags, [input.tag.trim().toLowerCase()]) : undefined,
    // Through the trigram index (migration 0006: under row-level security a plain ILIKE here
    // would read every visible ticket); the rows themselves are still read under the policy.
    input.q ? sql`${tickets.id} IN (SELECT app_tickets_matching_text(${`%${escapeLike(input.q)}%`}))` : undefined,
    input.createdFrom ? sql`${tickets.createdAt} >= ${input.createdFrom}::timestamptz` : undefined,
    input.createdTo ? sql`${tickets.createdAt} < ${input.createdTo}::timestamptz` : undefined,
    input.sla ? slaCondition(input.sla) : undefined,
    input.needsHuman === undefined ? undefined : eq(tickets.needsHuman, input.needsHuman),
  ];
}

/**
 * Tickets the caller may see, filtered and keyset-paged. The cursor is (sort key, id) of the
 * last row and the next page starts strictly after it in ORDER BY (key, id), so tickets created
 * while someone pages never shift or repeat the rows they have not reached yet.
 */
export async function listTickets(ctx: ServiceContext, input: ListTicketsInput): Promise<{ data: TicketDto[]; nextCursor: string | null }> {
  const sortName = input.sort ?? "created";
  const order = input.order ?? "desc";
  const limit = input.limit ?? 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidField("query.limit", "must be between 1 and 100");
  if (input.createdFrom && input.createdTo && Date.parse(input.createdFrom) > Date.parse(input.createdTo)) {
    throw invalidField("query.createdTo", "must not be before createdFrom");
  }
  const sort = SORTS[sortName];

  const filters = filtersOf(ctx, input);
  const after = decodeCursor(input.cursor, 4);
  if (after) {
    const [cursorSort, cursorOrder, key, id] = after;
    if (cursorSort !== sortName || cursorOrder !== order || !sort.valid(key) || !isUuid(id)) {
      throw badCursor();
    }
    const cmp = order === "asc" ? sql`>` : sql`<`;
    filters.push(sql`(${sort.key}, ${tickets.id}) ${cmp} (${sort.cast(key)}, ${id}::uuid)`);
  }
  const dir = order === "asc" ? asc : desc;

  const rows = await runAs(ctx.db, ctx.actor, (tx) =>
    queryRows<{ ticket: Record<string, unknown>; cursor_value: unknown }>(
      tx,
      sql`SELECT ${SHOWN_TICKET_JSON.select} AS ticket, ${sort.cursorValue} AS cursor_value FROM ${tickets}
        WHERE ${and(...filters) ?? sql`true`} ORDER BY ${dir(sort.key)}, ${dir(tickets.id)} LIMIT ${limit + 1}`,
    ),
  );
  const page = rows.slice(0, limit).map((r) => ({ ticket: SHOWN_TICKET_JSON.read(r.ticket), cursorValue: r.cursor_value }));
  const last = page.at(-1);
  const now = new Date();
  return {
    data: page.map((r) => toTicketDto(r.ticket, now)),
    nextCursor: rows.length > limit && last ? encodeCursor([sortName, order, sort.toCursor(last.cursorValue), last.ticket.id]) : null,
  };
}
