import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: the opaque session token handed to the client once. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only this digest is stored, so a database leak does not leak live sessions. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
