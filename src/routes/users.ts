import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../db/schema/enums.js";
import type { App } from "../app.js";
import { requireAdmin, requireStaff, requireUser } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { pageSchema, paginationQuery } from "../http/pagination.js";
import {
  addIdentity,
  createUser,
  findUserByIdentity,
  getUser,
  listIdentities,
  listUsers,
  setUserActive,
  updateUser,
} from "../services/accounts/users.js";
import { email, fullName, identityInput, identitySchema, language, password, userSchema } from "./schemas/users.js";

const tags = ["users"];
const userWithTeams = userSchema.extend({ teamIds: z.array(z.uuid()) }).openapi("UserWithTeams");

const routes = {
  create: createRoute({
    method: "post",
    path: "/users",
    tags,
    summary: "Create an agent, admin or customer account (admin)",
    security: bearer,
    request: {
      body: jsonBody(
        z.object({
          email,
          fullName,
          role: z.enum(ROLES),
          password: password.optional().openapi({ description: "Omit for customers who only write in through channels" }),
          preferredLanguage: language.optional(),
          teamIds: z.array(z.uuid()).max(50).optional(),
        }),
      ),
    },
    responses: { 201: json(userSchema, "Created"), ...problems(400, 401, 403, 409) },
  }),
  list: createRoute({
    method: "get",
    path: "/users",
    tags,
    summary: "List users (agents and admins)",
    security: bearer,
    request: {
      query: z.object({
        role: z.enum(ROLES).optional(),
        q: z.string().trim().min(1).max(200).optional(),
        isActive: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
        ...paginationQuery,
      }),
    },
    responses: { 200: json(pageSchema(userSchema), "A page of users"), ...problems(400, 401, 403) },
  }),
  lookup: createRoute({
    method: "get",
    path: "/users/lookup",
    tags,
    summary: "Find the user behind an identity (email, phone, slack, whatsapp…)",
    security: bearer,
    request: { query: identityInput },
    responses: { 200: json(userSchema, "The user"), ...problems(400, 401, 403, 404) },
  }),
  get: createRoute({
    method: "get",
    path: "/users/{id}",
    tags,
    summary: "Get a user",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(userWithTeams, "The user"), ...problems(400, 401, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/users/{id}",
    tags,
    summary: "Update a user (admin), including role and active state",
    description: "Deactivating a user ends all their sessions at once.",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({
            fullName: fullName.optional(),
            preferredLanguage: language.nullable().optional(),
            role: z.enum(ROLES).optional(),
            password: password.optional(),
            isActive: z.boolean().optional(),
          })
          .strict()
          .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" }),
      ),
    },
    responses: { 200: json(userSchema, "Updated"), ...problems(400, 401, 403, 404) },
  }),
  identities: createRoute({
    method: "get",
    path: "/users/{id}/identities",
    tags,
    summary: "A user's identities",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(z.object({ data: z.array(identitySchema) }), "Identities"), ...problems(400, 401, 404) },
  }),
  addIdentity: createRoute({
    method: "post",
    path: "/users/{id}/identities",
    tags,
    summary: "Link an identity to a user; unique per kind across all users",
    security: bearer,
    request: { params: idParam, body: jsonBody(identityInput) },
    responses: { 201: json(identitySchema, "Linked"), ...problems(400, 401, 404, 409) },
  }),
};

const iso = <T extends { createdAt: Date }>(row: T) => ({ ...row, createdAt: row.createdAt.toISOString() });

export function registerUserRoutes(app: App): void {
  app.openapi(routes.create, async (c) => {
    requireAdmin(c);
    return c.json(await createUser(c.get("ctx"), c.req.valid("json")), 201);
  });

  app.openapi(routes.list, async (c) => {
    requireStaff(c);
    return c.json(await listUsers(c.get("ctx"), c.req.valid("query")), 200);
  });

  app.openapi(routes.lookup, async (c) => {
    requireStaff(c);
    const { kind, value } = c.req.valid("query");
    return c.json(await findUserByIdentity(c.get("ctx"), kind, value), 200);
  });

  app.openapi(routes.get, async (c) => {
    requireUser(c);
    return c.json(await getUser(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.update, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    const { isActive, ...changes } = c.req.valid("json");
    const ctx = c.get("ctx");
    let user = Object.keys(changes).length ? await updateUser(ctx, id, changes) : undefined;
    if (isActive !== undefined) user = await setUserActive(ctx, id, isActive);
    return c.json(user!, 200);
  });

  app.openapi(routes.identities, async (c) => {
    requireUser(c);
    const rows = await listIdentities(c.get("ctx"), c.req.valid("param").id);
    return c.json({ data: rows.map(iso) }, 200);
  });

  app.openapi(routes.addIdentity, async (c) => {
    requireUser(c);
    const { kind, value } = c.req.valid("json");
    return c.json(iso(await addIdentity(c.get("ctx"), c.req.valid("param").id, kind, value)), 201);
  });
}

