import { getTableColumns } from "drizzle-orm";
import { jsonRowReader } from "../../../db/json-rows.js";
import { tickets } from "../../../db/schema/index.js";
import type { TicketRow } from "./access.js";
import { slaState } from "./sla.js";

/** Everything the DTO shows; triage's metadata can be large and is never shown. */
export type ShownTicketRow = Omit<TicketRow, "metadata">;
const { metadata: _metadata, ...SHOWN_COLUMNS } = getTableColumns(tickets);
/**
 * A shown ticket as one json value (db/json-rows.ts): for the list's page and the row a create
 * returns, one field instead of 22 — on embedded PGlite about half the cost of reading them.
 */
export const SHOWN_TICKET_JSON = jsonRowReader<ShownTicketRow>(SHOWN_COLUMNS);

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** What the API shows of a ticket. `metadata` (triage internals) stays inside. */
export function toTicketDto(row: ShownTicketRow, now: Date = new Date()) {
  // Shown twice (top level and under `sla`), formatted once: a list page formats ~250 dates.
  const firstResponseDueAt = iso(row.firstResponseDueAt);
  const resolutionDueAt = iso(row.resolutionDueAt);
  const firstRespondedAt = iso(row.firstRespondedAt);
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    channel: row.channel,
    teamId: row.teamId,
    assigneeId: row.assigneeId,
    customerId: row.customerId,
    tags: row.tags,
    customFields: row.customFields,
    language: row.language,
    needsHuman: row.needsHuman,
    firstResponseDueAt,
    resolutionDueAt,
    firstRespondedAt,
    sla: { state: slaState(row, now), firstResponseDueAt, resolutionDueAt, firstRespondedAt },
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type TicketDto = ReturnType<typeof toTicketDto>;
