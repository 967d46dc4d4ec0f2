import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../src/server.js";
import { createTestContext, type TestContext } from "../harness/app.js";
import { freePort } from "../harness/processes.js";

// Over a real socket (the other app tests go through app.request): a body over the limit is
// refused whether it comes with a Content-Length or chunked, and one under it still reaches the
// route's JSON parser either way.
let ctx: TestContext;
let server: RunningServer;
let port: number;
const LIMIT = 4096;

beforeAll(async () => {
  port = await freePort();
  ctx = await createTestContext({ env: { BODY_LIMIT_BYTES: String(LIMIT), HOST: "127.0.0.1", PORT: String(port) } });
  server = await startServer(ctx);
});
afterAll(async () => {
  await server?.close(1000);
  await ctx?.close();
});

function post(path: string, body: string, chunked: boolean): Promise<{ status: number; body: { code?: string; errors?: { field: string }[] } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!chunked) headers["content-length"] = String(Buffer.byteLength(body));
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    if (chunked) {
      // Several writes without a length: sent with Transfer-Encoding: chunked.
      for (let i = 0; i < body.length; i += 1000) req.write(body.slice(i, i + 1000));
    } else req.write(body);
    req.end();
  });
}

describe("body limit over HTTP", () => {
  const big = JSON.stringify({ email: "a@example.test", password: "x".repeat(LIMIT) });
  const small = JSON.stringify({ email: "not-an-email", password: "" });

  it("413 for a Content-Length over the limit", async () => {
    const res = await post("/auth/login", big, false);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("413 for a chunked body that grows over the limit", async () => {
    const res = await post("/auth/login", big, true);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("a body under the limit reaches the route, with or without a length", async () => {
    for (const chunked of [false, true]) {
      const res = await post("/auth/login", small, chunked);
      expect(res.status, `chunked: ${chunked}`).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain("body.email");
    }
  });
});
