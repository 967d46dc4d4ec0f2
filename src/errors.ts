// Errors are values with stable codes. Services throw AppError("TICKET_NOT_FOUND"); the one
// mapper in http/problem.ts turns it into RFC 9457 problem+json with the status from this table.

const PROBLEMS = {
  VALIDATION_FAILED: [400, "Request validation failed"],
  MALFORMED_BODY: [400, "Request body could not be parsed"],
  UNAUTHENTICATED: [401, "Authentication required"],
  INVALID_CREDENTIALS: [401, "Email or password is incorrect"],
  FORBIDDEN: [403, "Not allowed"],
  NOT_FOUND: [404, "Resource not found"],
  ROUTE_NOT_FOUND: [404, "No such route"],
  USER_NOT_FOUND: [404, "User not found"],
  TEAM_NOT_FOUND: [404, "Team not found"],
  TICKET_NOT_FOUND: [404, "Ticket not found"],
  ATTACHMENT_NOT_FOUND: [404, "Attachment not found"],
  ARTICLE_NOT_FOUND: [404, "Article not found"],
  DRAFT_NOT_FOUND: [404, "Draft not found"],
  AI_RUN_NOT_FOUND: [404, "AI run not found"],
  ANSWER_SESSION_NOT_FOUND: [404, "Answer not found"],
  METHOD_NOT_ALLOWED: [405, "Method not allowed"],
  CONFLICT: [409, "Conflict"],
  EMAIL_TAKEN: [409, "Email is already registered"],
  IDENTITY_TAKEN: [409, "Identity already belongs to someone"],
  TEAM_NAME_TAKEN: [409, "Team name is already used"],
  SLUG_TAKEN: [409, "Slug is already used"],
  ALREADY_ASSIGNED: [409, "Ticket is already assigned"],
  INVALID_TRANSITION: [409, "Status change not allowed"],
  ALREADY_RATED: [409, "Ticket already rated"],
  IDEMPOTENCY_KEY_REUSED: [409, "Idempotency-Key was used with a different request"],
  PAYLOAD_TOO_LARGE: [413, "Request body too large"],
  UNSUPPORTED_MEDIA_TYPE: [415, "Unsupported media type"],
  UNPROCESSABLE: [422, "Request cannot be processed"],
  RATE_LIMITED: [429, "Too many requests"],
  INTERNAL: [500, "Internal server error"],
  UNAVAILABLE: [503, "Service unavailable"],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof PROBLEMS;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `body.priority` or `query.limit`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly errors?: FieldError[],
    /** Extra headers for the response (Retry-After on 429, say). */
    readonly headers?: Record<string, string>,
  ) {
    const [status, title] = PROBLEMS[code];
    super(detail ?? title);
    this.name = "AppError";
    this.status = status;
    this.title = title;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** A validation failure about one named field, thrown from inside a service. */
export function invalidField(field: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", `${field}: ${message}`, [{ field, message }]);
}

/** Postgres SQLSTATE of a driver error, whichever driver raised it. */
export function pgErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

export function pgConstraint(err: unknown): string | undefined {
  const e = err as { constraint?: unknown; constraint_name?: unknown; cause?: { constraint?: unknown; constraint_name?: unknown } } | null;
  const name = e?.constraint ?? e?.constraint_name ?? e?.cause?.constraint ?? e?.cause?.constraint_name;
  return typeof name === "string" ? name : undefined;
}
