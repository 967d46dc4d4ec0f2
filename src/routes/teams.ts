import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app.js";
import { requireAdmin, requireStaff } from "../auth/middleware.js";
import { bearer, idParam, json, jsonBody, problems } from "../http/openapi.js";
import { createTeam, deleteTeam, getTeam, listMembers, listTeams, putMember, removeMember, updateTeam } from "../services/teams/teams.js";

const tags = ["teams"];

/** A lower-cased list of short labels (skills, keywords, tags). */
export const labelList = (maxLength: number) =>
  z
    .array(z.string().trim().toLowerCase().min(1, { error: "must not be empty" }).max(maxLength, { error: `must be at most ${maxLength} characters` }))
    .max(50, { error: "at most 50 items" });

const skills = labelList(50).openapi({ example: ["refunds", "invoices"] });
const name = z.string().trim().min(1, { error: "must not be empty" }).max(100);
const description = z.string().trim().max(2000).openapi({ description: "Read by the classifier too: describe what the team handles" });

const teamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    skills: z.array(z.string()),
    memberCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Team");

const memberSchema = z
  .object({
    userId: z.uuid(),
    fullName: z.string(),
    email: z.string(),
    role: z.string(),
    isActive: z.boolean(),
    skills: z.array(z.string()),
    joinedAt: z.string(),
  })
  .openapi("TeamMember");

const memberParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});

const routes = {
  create: createRoute({
    method: "post",
    path: "/teams",
    tags,
    summary: "Create a team (admin)",
    security: bearer,
    request: { body: jsonBody(z.object({ name, description: description.optional(), skills: skills.optional() }).strict()) },
    responses: { 201: json(teamSchema, "Created"), ...problems(400, 401, 403, 409) },
  }),
  list: createRoute({
    method: "get",
    path: "/teams",
    tags,
    summary: "List teams (agents and admins)",
    security: bearer,
    responses: { 200: json(z.object({ data: z.array(teamSchema) }), "All teams, by name"), ...problems(401, 403) },
  }),
  get: createRoute({
    method: "get",
    path: "/teams/{id}",
    tags,
    summary: "Get a team (agents and admins)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(teamSchema, "The team"), ...problems(400, 401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/teams/{id}",
    tags,
    summary: "Update a team (admin)",
    security: bearer,
    request: {
      params: idParam,
      body: jsonBody(
        z
          .object({ name: name.optional(), description: description.optional(), skills: skills.optional() })
          .strict()
          .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" }),
      ),
    },
    responses: { 200: json(teamSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  delete: createRoute({
    method: "delete",
    path: "/teams/{id}",
    tags,
    summary: "Delete a team (admin)",
    description:
      "Refused with 409 while open (not resolved/closed) tickets belong to the team: move them first. " +
      "Resolved and closed tickets lose their team; the team's routing rules are deleted with it.",
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: "Deleted" }, ...problems(400, 401, 403, 404, 409) },
  }),
  members: createRoute({
    method: "get",
    path: "/teams/{id}/members",
    tags,
    summary: "Members of a team (agents and admins)",
    security: bearer,
    request: { params: idParam },
    responses: { 200: json(z.object({ data: z.array(memberSchema) }), "Members, by name"), ...problems(400, 401, 403, 404) },
  }),
  putMember: createRoute({
    method: "put",
    path: "/teams/{id}/members/{userId}",
    tags,
    summary: "Add a member or set their skills (admin)",
    description: "Idempotent. The user must be an active agent or admin. Without a body an existing member keeps their skills.",
    security: bearer,
    request: {
      params: memberParams,
      body: { required: false, content: { "application/json": { schema: z.object({ skills: skills.optional() }).strict() } } },
    },
    responses: { 200: json(memberSchema, "The membership"), ...problems(400, 401, 403, 404) },
  }),
  removeMember: createRoute({
    method: "delete",
    path: "/teams/{id}/members/{userId}",
    tags,
    summary: "Remove a member (admin)",
    security: bearer,
    request: { params: memberParams },
    responses: { 204: { description: "Removed" }, ...problems(400, 401, 403, 404) },
  }),
};

export function registerTeamRoutes(app: App): void {
  app.openapi(routes.create, async (c) => {
    requireAdmin(c);
    return c.json(await createTeam(c.get("ctx"), c.req.valid("json")), 201);
  });

  app.openapi(routes.list, async (c) => {
    requireStaff(c);
    return c.json({ data: await listTeams(c.get("ctx")) }, 200);
  });

  app.openapi(routes.get, async (c) => {
    requireStaff(c);
    return c.json(await getTeam(c.get("ctx"), c.req.valid("param").id), 200);
  });

  app.openapi(routes.update, async (c) => {
    requireAdmin(c);
    return c.json(await updateTeam(c.get("ctx"), c.req.valid("param").id, c.req.valid("json")), 200);
  });

  app.openapi(routes.delete, async (c) => {
    requireAdmin(c);
    await deleteTeam(c.get("ctx"), c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(routes.members, async (c) => {
    requireStaff(c);
    return c.json({ data: await listMembers(c.get("ctx"), c.req.valid("param").id) }, 200);
  });

  app.openapi(routes.putMember, async (c) => {
    requireAdmin(c);
    const { id, userId } = c.req.valid("param");
    return c.json(await putMember(c.get("ctx"), id, userId, c.req.valid("json").skills), 200);
  });

  app.openapi(routes.removeMember, async (c) => {
    requireAdmin(c);
    const { id, userId } = c.req.valid("param");
    await removeMember(c.get("ctx"), id, userId);
    return c.body(null, 204);
  });
}
