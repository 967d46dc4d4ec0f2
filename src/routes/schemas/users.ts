import { z } from "@hono/zod-openapi";
import { IDENTITY_KINDS, ROLES } from "../../../db/schema/enums.js";

export const email = z.email({ error: "must be an email address" }).max(254).openapi({ example: "maria@acme.example" });
export const password = z
  .string()
  .min(8, { error: "must be at least 8 characters" })
  .max(200, { error: "must be at most 200 characters" });
export const fullName = z.string().trim().min(1, { error: "must not be empty" }).max(200);
export const language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: "must be a language tag such as en or pt-BR" });

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    fullName: z.string(),
    role: z.enum(ROLES),
    preferredLanguage: z.string().nullable(),
    isActive: z.boolean(),
    lastSeenAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("User");

export const identitySchema = z
  .object({ id: z.uuid(), kind: z.enum(IDENTITY_KINDS), value: z.string(), createdAt: z.string() })
  .openapi("Identity");

export const identityInput = z.object({
  kind: z.enum(IDENTITY_KINDS),
  value: z.string().trim().min(1, { error: "must not be empty" }).max(320),
});
