import type { Context } from "hono";
import type { ZodError } from "zod";
import { AppError, type FieldError } from "../errors.js";
import type { AppEnv } from "./env.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

export function toProblem(err: AppError, c: Context<AppEnv>): Problem {
  return {
    type: `https://autocrm.dev/problems/${err.code.toLowerCase().replaceAll("_", "-")}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    instance: c.req.path,
    requestId: c.get("requestId") ?? "",
    ...(err.errors?.length ? { errors: err.errors } : {}),
  };
}

export function problemResponse(err: AppError, c: Context<AppEnv>): Response {
  const headers = new Headers({ "content-type": PROBLEM_CONTENT_TYPE, ...err.headers });
  return new Response(JSON.stringify(toProblem(err, c)), { status: err.status, headers });
}

/** Hono's validation targets → the names problem responses use for where a field lives. */
const TARGET_NAMES: Record<string, string> = { json: "body", form: "body", param: "params", header: "headers", query: "query", cookie: "cookies" };

/** zod issues → one AppError naming every bad field, prefixed by where it came from. */
export function validationError(rawTarget: string, error: ZodError): AppError {
  const target = TARGET_NAMES[rawTarget] ?? rawTarget;
  const errors = error.issues.flatMap((issue) => {
    // An unknown key under a strict schema is named itself, not its parent object.
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    return keys.map((key) => {
      const path = [...issue.path.map(String), ...(key === undefined ? [] : [key])].join(".");
      return { field: path ? `${target}.${path}` : target, message: issue.message };
    });
  });
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return new AppError("VALIDATION_FAILED", detail, errors);
}
