import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../harness/app.js";
import { countRows, createCast, form, textFile } from "./cast.js";

let ctx: TestContext;
let cast: Awaited<ReturnType<typeof createCast>>;
beforeAll(async () => {
  // Small per-file ceiling so the 413 path is cheap to reach.
  ctx = await createTestContext({ env: { ATTACHMENT_MAX_BYTES: "1024" } });
  cast = await createCast(ctx);
});
afterAll(() => ctx?.close());

const upload = (ticketId: string, token: string | undefined, ...files: File[]) => {
  const fd = new FormData();
  for (const f of files) fd.append("files", f);
  return ctx.http("POST", `/tickets/${ticketId}/attachments`, { token, body: fd });
};
const listOf = (ticketId: string, token?: string) => ctx.http("GET", `/tickets/${ticketId}/attachments`, { token });
const download = (id: string, token?: string) => ctx.app.request(`/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const storedFiles = () => readdirSync((ctx.storage as unknown as { root: string }).root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** A ticket with one attachment on a public reply and one on an internal note. */
async function ticketWithFiles() {
  const ticket = await cast.ticketOf("open");
  const pub = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.agent.token, body: form({ body: "see file" }, textFile("public", "public.txt")) });
  const note = await ctx.http("POST", `/tickets/${ticket.id}/messages`, {
    token: cast.agent.token,
    body: form({ body: "internal", isInternal: true }, textFile("secret", "secret.txt")),
  });
  expect([pub.status, note.status]).toEqual([201, 201]);
  return { ticket, publicFile: pub.body.attachments[0], secretFile: note.body.attachments[0] };
}

describe("POST /tickets/{id}/attachments", () => {
  it("the customer attaches files to their ticket; the download is the same bytes", async () => {
    const ticket = await cast.ticketOf("open");
    const content = "hello, this is a log line\n";
    const res = await upload(ticket.id, cast.customerA.token, textFile(content, "log.txt"));
    expect(res.status).toBe(201);
    expect(res.body.data).toHaveLength(1);
    const dto = res.body.data[0];
    expect(dto).toMatchObject({ ticketId: ticket.id, messageId: null, fileName: "log.txt", contentType: "text/plain", sizeBytes: content.length, sha256: sha256(content) });

    const file = await download(dto.id, cast.customerA.token);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(sha256(bytes)).toBe(dto.sha256);
    expect(file.headers.get("content-type")).toBe("text/plain");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="log\.txt"/);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("staff may attach too, and the event records the file", async () => {
    const ticket = await cast.ticketOf("open");
    const res = await upload(ticket.id, cast.agent.token, textFile("a"), textFile("b", "b.csv", "text/csv"));
    expect(res.status).toBe(201);
    expect(res.body.data.map((a: { fileName: string }) => a.fileName)).toEqual(["a.txt", "b.csv"]);
    expect(await countRows(ctx, "ticket_events", ticket.id)).toBe(2);
  });

  it("413 for a file over ATTACHMENT_MAX_BYTES: no rows, no events, no bytes on disk", async () => {
    const ticket = await cast.ticketOf("open");
    const onDisk = storedFiles();
    const res = await upload(ticket.id, cast.customerA.token, textFile("ok"), textFile("x".repeat(1025), "big.txt"));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await countRows(ctx, "attachments", ticket.id)).toBe(0);
    expect(await countRows(ctx, "ticket_events", ticket.id)).toBe(0);
    expect(storedFiles()).toBe(onDisk);

    const reply = await ctx.http("POST", `/tickets/${ticket.id}/messages`, { token: cast.customerA.token, body: form({ body: "with big file" }, textFile("x".repeat(2000))) });
    expect(reply.status).toBe(413);
    expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    expect(await countRows(ctx, "outbox", ticket.id)).toBe(0);
    expect(storedFiles()).toBe(onDisk);
  });

  it("415 for a disallowed type (text/html): nothing written", async () => {
    const ticket = await cast.ticketOf("open");
    const onDisk = storedFiles();
    const res = await upload(ticket.id, cast.customerA.token, textFile("<script>alert(1)</script>", "x.html", "text/html"));
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const reply = await ctx.http("POST", `/tickets/${ticket.id}/messages`, {
      token: cast.agent.token,
      body: form({ body: "html" }, textFile("<b>x</b>", "x.html", "text/html")),
    });
    expect(reply.status).toBe(415);
    expect(await countRows(ctx, "attachments", ticket.id)).toBe(0);
    expect(await countRows(ctx, "ticket_messages", ticket.id)).toBe(1);
    expect(storedFiles()).toBe(onDisk);
  });

  it("400 when no file is sent or a field is not a file", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await upload(ticket.id, cast.customerA.token)).status).toBe(400);
    const fd = new FormData();
    fd.append("files", "just text");
    const res = await ctx.http("POST", `/tickets/${ticket.id}/attachments`, { token: cast.customerA.token, body: fd });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toMatch(/^body\.files/);
  });

  it("409 on a closed ticket", async () => {
    const ticket = await cast.ticketOf("closed");
    expect((await upload(ticket.id, cast.customerA.token, textFile())).status).toBe(409);
  });

  it("401 anonymous; 404 for customer B and an agent outside the team, nothing written", async () => {
    const ticket = await cast.ticketOf("open");
    expect((await upload(ticket.id, undefined, textFile())).status).toBe(401);
    for (const token of [cast.customerB.token, cast.outsider.token]) {
      const res = await upload(ticket.id, token, textFile());
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("TICKET_NOT_FOUND");
    }
    expect(await countRows(ctx, "attachments", ticket.id)).toBe(0);
  });
});

describe("GET /tickets/{id}/attachments", () => {
  it("staff see every file; the customer never sees a file on an internal note", async () => {
    const { ticket, publicFile, secretFile } = await ticketWithFiles();
    const staff = await listOf(ticket.id, cast.agent.token);
    expect(staff.status).toBe(200);
    expect(staff.body.data.map((a: { id: string }) => a.id)).toEqual([publicFile.id, secretFile.id]);
    const customer = await listOf(ticket.id, cast.customerA.token);
    expect(customer.status).toBe(200);
    expect(customer.body.data.map((a: { id: string }) => a.id)).toEqual([publicFile.id]);
    expect(customer.text).not.toContain("secret");
  });

  it("400 for a bad id; 401 anonymous; 404 for customer B and an agent outside the team", async () => {
    const { ticket } = await ticketWithFiles();
    expect((await listOf("bad", cast.agent.token)).status).toBe(400);
    expect((await listOf(ticket.id)).status).toBe(401);
    expect((await listOf(ticket.id, cast.customerB.token)).status).toBe(404);
    expect((await listOf(ticket.id, cast.outsider.token)).status).toBe(404);
  });
});

describe("GET /attachments/{id}", () => {
  it("the customer downloads public files; a file on an internal note is 404 for them, 200 for staff", async () => {
    const { publicFile, secretFile } = await ticketWithFiles();
    expect((await download(publicFile.id, cast.customerA.token)).status).toBe(200);
    const hidden = await download(secretFile.id, cast.customerA.token);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { code: string }).code).toBe("ATTACHMENT_NOT_FOUND");
    const staff = await download(secretFile.id, cast.agent.token);
    expect(staff.status).toBe(200);
    expect(await staff.text()).toBe("secret");
    expect((await download(secretFile.id, cast.admin.token)).status).toBe(200);
  });

  it("a non-ASCII file name survives in filename* and is made safe in filename", async () => {
    const ticket = await cast.ticketOf("open");
    const res = await upload(ticket.id, cast.customerA.token, textFile("x", "résumé \"v2\".txt"));
    expect(res.status).toBe(201);
    const file = await download(res.body.data[0].id, cast.customerA.token);
    const disposition = file.headers.get("content-disposition")!;
    expect(disposition).toContain(`filename="r_sum_ _v2_.txt"`);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent("résumé _v2_.txt")}`);
  });

  it("400 for a bad id; 401 anonymous; 404 unknown, for customer B and for an agent outside the team", async () => {
    const { publicFile } = await ticketWithFiles();
    expect((await download("bad", cast.agent.token)).status).toBe(400);
    expect((await download(publicFile.id)).status).toBe(401);
    expect((await download("00000000-0000-4000-8000-000000000000", cast.admin.token)).status).toBe(404);
    for (const token of [cast.customerB.token, cast.outsider.token]) {
      const res = await download(publicFile.id, token);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe("ATTACHMENT_NOT_FOUND");
    }
  });
});
