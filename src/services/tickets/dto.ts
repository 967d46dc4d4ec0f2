import type { TicketRow } from "./access.js";
import { slaState } from "./sla.js";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** What the API shows of a ticket. `metadata` (triage internals) stays inside. */
export function toTicketDto(row: Omit<TicketRow, "metadata">, now: Date = new Date()) {
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
