import { z } from "@hono/zod-openapi";

// Shared OpenAPI pieces so every route documents its errors the same way.

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "TICKET_NOT_FOUND" }),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const descriptions = {
  400: "Invalid input (each bad field is named in `errors`)",
  401: "Not signed in, or the session is no longer valid",
  403: "Signed in but not allowed",
  404: "Not found, or not visible to the caller",
  409: "Conflicts with the current state",
  413: "Too large",
  415: "Unsupported media type",
  429: "Rate limited (see Retry-After)",
} as const;

type ProblemStatus = keyof typeof descriptions;

/** `responses` entries for the problem statuses a route can answer. */
export function problems<S extends ProblemStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s], content: { "application/problem+json": { schema: problemSchema } } }]),
  ) as unknown as { [K in S]: { description: string; content: { "application/problem+json": { schema: typeof problemSchema } } } };
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const idParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export const bearer = [{ bearer: [] }];
