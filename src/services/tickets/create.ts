import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { writeTogether, type Transaction } from "../../../db/client.js";
import { outbox, ticketEvents, ticketMessages, tickets, users, type TicketChannel, type TicketPriority } from "../../../db/schema/index.js";
import { isCustomer, isStaff } from "../../auth/actor.js";
import { AppError, invalidField } from "../../errors.js";
import { jobRows } from "../../jobs/outbox.js";
import { cleanupOnFailure, storeAttachments, validateFiles } from "../attachments/store.js";
import type { ServiceContext } from "../context.js";
import { withIdempotency, type IdempotencyRequest } from "../idempotency.js";
import { SHOWN_TICKET_JSON, toTicketDto, type TicketDto } from "./dto.js";
import { eventRows } from "./events.js";
import { slaDueColumns } from "./sla.js";

export const TICKET_LIMITS = {
  subject: 300,
  description: 20_000,
  tags: 20,
  tagLength: 50,
  customFieldKeys: 50,
  customFieldBytes: 16 * 1024,
} as const;

/** Tags are compared case-insensitively everywhere, so they are stored lower-cased, once each. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export interface CreateTicketInput {
  subject: string;
  description: string;
  priority?: TicketPriority;
  channel?: TicketChannel;
  tags?: string[];
  customFields?: Record<string, unknown>;
  /** Staff file on behalf of this customer; customers always file as themselves. */
  customerId?: string;
}

/** Who the ticket is for: the customer themselves, or the customer staff named (who must exist). */
async function resolveCustomer(tx: Transaction, ctx: ServiceContext, input: CreateTicketInput): Promise<string> {
  const actor = ctx.actor;
  if (isCustomer(actor)) {
    if (input.customerId !== undefined && input.customerId !== actor.id) {
      throw new AppError("FORBIDDEN", "customers can only open tickets for themselves");
    }
    return actor.id;
  }
  if (!isStaff(actor)) throw new AppError("UNAUTHENTICATED");
  if (!input.customerId) throw invalidField("body.customerId", "is required when staff open a ticket for a customer");
  const [customer] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.customerId), eq(users.role, "customer")));
  if (!customer) throw invalidField("body.customerId", "must be an existing customer");
  return customer.id;
}

/**
 * Opens a ticket: the ticket, its first message (the description, written by the customer), a
 * ticket.created event, any attachments and the triage job — one transaction, all or nothing.
 * Files are checked before anything is written; bytes already stored are deleted on rollback.
 */
export async function createTicket(
  ctx: ServiceContext,
  input: CreateTicketInput,
  files: File[] = [],
  options: { idempotency?: IdempotencyRequest } = {},
): Promise<TicketDto> {
  if (!isStaff(ctx.actor) && !isCustomer(ctx.actor)) throw new AppError("UNAUTHENTICATED");
  validateFiles(files, ctx.config.ATTACHMENT_MAX_BYTES);
  const priority = input.priority ?? "medium";

  const result = await cleanupOnFailure(ctx.storage, (written) =>
    withIdempotency(ctx, options.idempotency, async (tx) => {
      const customerId = await resolveCustomer(tx, ctx, input);
      // One clock reading for created_at, updated_at and the SLA due dates: the statement's start,
      // constant within the insert (clock_timestamp() would differ per column).
      const createdAt = sql`statement_timestamp()`;
      const [inserted] = await tx
        .insert(tickets)
        .values({
          customerId,
          subject: input.subject,
          description: input.description,
          priority,
          channel: input.channel ?? "web",
          tags: normaliseTags(input.tags ?? []),
          customFields: input.customFields ?? {},
          ...slaDueColumns(priority, createdAt),
          createdAt,
          updatedAt: createdAt,
        })
        .returning({ json: sql<Record<string, unknown>>`${SHOWN_TICKET_JSON.select}` });
      const ticket = SHOWN_TICKET_JSON.read(inserted!.json);
      // The id is made here rather than read back: RETURNING would re-check the row against
      // the read policy, a second planned subquery on the hot path.
      const message = { id: randomUUID() };
      const created = eventRows(ctx.actor, [
        { ticketId: ticket.id, kind: "ticket.created", to: { status: ticket.status, priority: ticket.priority, channel: ticket.channel } },
      ]);
      // Triage and a draft for the first message, in the outbox with the ticket itself.
      const jobs = jobRows([
        { job: "ticket.triage", payload: { ticketId: ticket.id } },
        { job: "ticket.draft", payload: { ticketId: ticket.id, messageId: message.id } },
      ]);
      // The first message, the audit event and the jobs reference only the ticket: one statement.
      // Its parts run in no promised order, so message and event share the statement's clock
      // (the timeline puts a message before an event at the same instant) rather than each
      // reading clock_timestamp() as it happens to run.
      const writtenAt = sql`statement_timestamp()`;
      await writeTogether(tx, [
        tx.insert(ticketMessages).values({ id: message.id, ticketId: ticket.id, authorId: customerId, authorType: "customer", body: input.description, createdAt: writtenAt }),
        tx.insert(ticketEvents).values(created.map((row) => ({ ...row, createdAt: writtenAt }))),
        tx.insert(outbox).values(jobs),
      ]);
      if (files.length > 0) {
        await storeAttachments(tx, ctx.storage, ctx.actor, { ticketId: ticket.id, messageId: message.id }, files, written);
      }
      return { status: 201, body: toTicketDto(ticket) };
    }),
  );
  if (!result.replayed) ctx.notifyJobs();
  return result.body;
}
