import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { swaggerUI } from "@hono/swagger-ui";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { AppError, pgErrorCode } from "./errors.js";
import type { AppDeps } from "./deps.js";
import type { AppEnv } from "./http/env.js";
import { problemResponse, validationError } from "./http/problem.js";
import { authenticate } from "./auth/middleware.js";
import { registerRoutes } from "./routes/index.js";

export type App = OpenAPIHono<AppEnv>;

/**
 * hono's bodyLimit, but a declared Content-Length is checked first, without touching the body:
 * bodyLimit's own first step reads `req.body`, which makes @hono/node-server build a full
 * web Request around a stream, and the JSON parser then reads the body through web streams
 * instead of straight off the socket (~0.3 ms per POST on this machine). Node's parser stops a
 * body at its Content-Length, so the header is the size; a chunked body (no length) still goes
 * through bodyLimit, which counts it as it arrives.
 */
function limitBody(maxSize: number, what: string): MiddlewareHandler<AppEnv> {
  const onError = (c: Context<AppEnv>) => problemResponse(new AppError("PAYLOAD_TOO_LARGE", `${what} exceeds ${maxSize} bytes`), c);
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return counted(c, next);
    return Number.parseInt(length, 10) > maxSize ? Promise.resolve(onError(c)) : next();
  };
}

/** Builds the HTTP app. No side effects: nothing listens, nothing connects. */
export function createApp(deps: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({
    // Every zod failure on params, query, headers or body becomes one 400 naming each bad field.
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(validationError(result.target, result.error), c);
    },
  });

  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(async (c, next) => {
    const started = performance.now();
    const logger = deps.logger.child({ reqId: c.get("requestId") });
    c.set("logger", logger);
    await next();
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      "request",
    );
  });
  app.use(secureHeaders({ contentSecurityPolicy: undefined, crossOriginResourcePolicy: false }));
  // Uploads (multipart) get their own, larger ceiling; every other body stays small.
  const jsonLimit = limitBody(deps.config.BODY_LIMIT_BYTES, "body");
  const uploadLimit = limitBody(deps.config.UPLOAD_LIMIT_BYTES, "upload");
  // GET and HEAD requests never carry a body here (@hono/node-server and the Fetch API drop or
  // refuse one), and asking bodyLimit would make node-server build a full Request just to see that.
  app.use((c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return c.req.header("content-type")?.startsWith("multipart/form-data") ? uploadLimit(c, next) : jsonLimit(c, next);
  });

  app.onError((err, c) => {
    if (err instanceof AppError) return problemResponse(err, c);
    if (err instanceof HTTPException) {
      // Hono raises these for malformed JSON and similar protocol-level faults.
      const code = ({ 400: "MALFORMED_BODY", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 405: "METHOD_NOT_ALLOWED" } as const)[
        err.status as 400 | 413 | 415 | 405
      ];
      if (code) return problemResponse(new AppError(code, err.message), c);
    }
    // Database refusals that are the request's fault, wherever a service forgot to map them.
    const sqlState = pgErrorCode(err);
    if (sqlState === "22P05" || sqlState === "22021") {
      return problemResponse(new AppError("VALIDATION_FAILED", "text must not contain NUL characters or invalid UTF-8"), c);
    }
    if (sqlState === "23505") return problemResponse(new AppError("CONFLICT", "conflicts with an existing record"), c);
    c.get("logger").error({ err }, "unhandled error");
    return problemResponse(new AppError("INTERNAL", "An unexpected error occurred; it has been logged with this request id."), c);
  });
  app.notFound((c) => problemResponse(new AppError("ROUTE_NOT_FOUND", `${c.req.method} ${c.req.path} does not exist`), c));

  app.use(authenticate(deps));
  registerRoutes(app, deps);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "AutoCRM API",
      version: "0.1.0",
      description:
        "AI-assisted customer support: tickets, knowledge base, triage and drafted replies. Errors are RFC 9457 problem+json with a stable `code`.",
    },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));
  return app;
}
