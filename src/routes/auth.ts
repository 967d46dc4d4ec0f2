import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import type { App } from "../app.js";
import { SESSION_COOKIE, clientIp, requireUser } from "../auth/middleware.js";
import { RateLimiter } from "../auth/rate-limit.js";
import { AppError } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import { bearer, json, jsonBody, problems } from "../http/openapi.js";
import { signIn, signOut, signUp, type SignedIn } from "../services/accounts/auth.js";
import { getUser, updateUser } from "../services/accounts/users.js";
import { email, fullName, language, password, userSchema } from "./schemas/users.js";

const sessionResponse = z
  .object({ user: userSchema, token: z.string().openapi({ description: "Send as `Authorization: Bearer <token>`; also set as an HttpOnly cookie" }), expiresAt: z.string() })
  .openapi("Session");

const signUpRoute = createRoute({
  method: "post",
  path: "/auth/signup",
  tags: ["auth"],
  summary: "Customer sign-up",
  request: { body: jsonBody(z.object({ email, password, fullName, preferredLanguage: language.optional() })) },
  responses: { 201: json(sessionResponse, "Account created and signed in"), ...problems(400, 409, 429) },
});

const signInRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Sign in with email and password",
  description: "Rate-limited per account and per IP address.",
  request: { body: jsonBody(z.object({ email, password: z.string().min(1).max(200) })) },
  responses: { 200: json(sessionResponse, "Signed in"), ...problems(400, 401, 429) },
});

const signOutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["auth"],
  summary: "End the current session",
  security: bearer,
  responses: { 204: { description: "Signed out" }, ...problems(401) },
});

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["auth"],
  summary: "The signed-in user",
  security: bearer,
  responses: { 200: json(userSchema.extend({ teamIds: z.array(z.uuid()) }), "The caller"), ...problems(401) },
});

const updateMeRoute = createRoute({
  method: "patch",
  path: "/me",
  tags: ["auth"],
  summary: "Update your own profile or password",
  description: "Changing the password ends every other session.",
  security: bearer,
  request: {
    body: jsonBody(
      z
        .object({ fullName: fullName.optional(), preferredLanguage: language.nullable().optional(), password: password.optional() })
        .strict()
        .refine((v) => Object.keys(v).length > 0, { error: "send at least one field" }),
    ),
  },
  responses: { 200: json(userSchema, "Updated"), ...problems(400, 401) },
});

function startSession(c: Context<AppEnv>, result: SignedIn) {
  setCookie(c, SESSION_COOKIE, result.session.token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("ctx").config.NODE_ENV === "production",
    path: "/",
    expires: result.session.expiresAt,
  });
  return { user: result.user, token: result.session.token, expiresAt: result.session.expiresAt.toISOString() };
}

export function registerAuthRoutes(app: App): void {
  const limiters = {
    perAccount: new RateLimiter(5, 15 * 60_000),
    perIp: new RateLimiter(30, 15 * 60_000),
  };
  const client = (c: Context<AppEnv>) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent") ?? null });

  app.openapi(signUpRoute, async (c) => {
    const limited = limiters.perIp.hit(`signup:${clientIp(c) ?? "unknown"}`);
    if (limited) throw new AppError("RATE_LIMITED", `try again in ${limited} s`, undefined, { "retry-after": String(limited) });
    const result = await signUp(c.get("ctx"), c.req.valid("json"), client(c));
    return c.json(startSession(c, result), 201);
  });

  app.openapi(signInRoute, async (c) => {
    const result = await signIn(c.get("ctx"), c.req.valid("json"), client(c), limiters);
    return c.json(startSession(c, result), 200);
  });

  app.openapi(signOutRoute, async (c) => {
    await signOut(c.get("ctx"));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

  app.openapi(meRoute, async (c) => {
    const actor = requireUser(c);
    return c.json(await getUser(c.get("ctx"), actor.id), 200);
  });

  app.openapi(updateMeRoute, async (c) => {
    const actor = requireUser(c);
    return c.json(await updateUser(c.get("ctx"), actor.id, c.req.valid("json")), 200);
  });
}
