// `autocrm eval` end to end on tiny datasets of our own making (written to a temp folder in the
// canonical format): kind detection, --all, --json and --report with its charts, and the openai
// classifier provider against the loopback OpenAI-compatible server.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvalArgs, runEvalCli } from "../../evals/cli.js";
import { findDatasets } from "../../evals/datasets.js";
import type { ClassifyResult, DraftsResult, EvalRun, RetrievalResult } from "../../evals/results.js";
import { evalClassify } from "../../evals/run-classify.js";
import { testConfig } from "../harness/app.js";
import { startFakeOpenAi, type FakeOpenAi } from "../harness/fake-openai.js";

let root: string;
let server: FakeOpenAi;
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

const billing = ["I was charged twice on my invoice", "refund the duplicate charge on my card", "my invoice shows the wrong amount", "billing charged my card again"];
const shipping = ["my parcel has not arrived yet", "where is my delivery, tracking shows nothing", "the courier lost my package", "shipping address on the parcel is wrong"];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "autocrm-eval-test-"));
  const classify = join(root, "classify", "tiny");
  mkdirSync(classify, { recursive: true });
  const rows = (label: string, texts: string[], n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `${label}-${i}`, subject: null, text: `${texts[i % texts.length]} (case ${i})`, label }));
  writeFileSync(join(classify, "train.jsonl"), jsonl([...rows("billing", billing, 12), ...rows("shipping", shipping, 12)]));
  writeFileSync(
    join(classify, "test.jsonl"),
    jsonl([
      { id: "t1", subject: "Invoice", text: "I was charged twice, please refund", label: "billing" },
      { id: "t2", subject: null, text: "wrong amount on my invoice", label: "billing" },
      { id: "t3", subject: null, text: "billing charged my card twice", label: "billing" },
      { id: "t4", subject: "Parcel", text: "my parcel never arrived, the courier lost it", label: "shipping" },
    ]),
  );

  const retrieval = join(root, "retrieval", "tiny-kb");
  mkdirSync(retrieval, { recursive: true });
  writeFileSync(
    join(retrieval, "articles.jsonl"),
    jsonl([
      { id: "refunds", title: "Refunds for duplicate charges", body: "Duplicate charges are refunded within five business days. Contact billing with the invoice number to speed it up." },
      { id: "export", title: "Export your contacts", body: "Admins can export all contacts as CSV from Settings, then Data export. The file arrives by email." },
      { id: "2fa", title: "Two-factor authentication", body: "Turn on two-factor authentication from the Security page with an authenticator app." },
    ]),
  );
  writeFileSync(
    join(retrieval, "queries.jsonl"),
    jsonl([
      { id: "q1", query: "I was charged twice, when do I get the duplicate charge refunded?", relevant: ["refunds"], answer: "Duplicate charges are refunded within five business days." },
      { id: "q2", query: "How do I export my contacts as CSV?", relevant: ["export"], answer: "Export contacts as CSV from Settings, then Data export." },
      { id: "q3", query: "How can I turn on two-factor authentication?", relevant: ["2fa"], answer: null },
      { id: "q4", query: "Do you sell garden furniture in Lisbon?", relevant: [], answer: null },
    ]),
  );
  server = await startFakeOpenAi();
});

afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("autocrm eval", () => {
  it("finds dataset folders by their files and checks the arguments", () => {
    expect(findDatasets(root).map((d) => `${d.kind}:${d.name}`)).toEqual(["classify:tiny", "retrieval:tiny-kb"]);
    expect(parseEvalArgs(["retrieval", "--all", root]).datasets.map((d) => d.name)).toEqual(["tiny-kb"]);
    expect(() => parseEvalArgs(["classify", "--data", join(root, "retrieval", "tiny-kb")])).toThrow(/retrieval dataset/);
    expect(() => parseEvalArgs(["--data", root, "--all", root])).toThrow(/exactly one/);
    expect(() => parseEvalArgs(["--all", root, "--learn", "1.5"])).toThrow(/fraction/);
    expect(() => parseEvalArgs(["--data", root])).toThrow(/neither/);
  });

  it("runs every eval that fits under --all and writes JSON and a report with charts", async () => {
    const out = join(root, "out");
    mkdirSync(out);
    const code = await runEvalCli(testConfig({ AI_PROVIDER: "local" }), ["--all", root, "--json", join(out, "r.json"), "--report", join(out, "r.md")]);
    expect(code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, "r.json"), "utf8")) as EvalRun;
    expect(run.results.map((r) => `${r.kind}:${r.dataset}`)).toEqual(["classify:tiny", "retrieval:tiny-kb", "drafts:tiny-kb"]);

    const classify = run.results[0] as ClassifyResult;
    expect(classify).toMatchObject({ provider: "local", train: 24, test: 4, labels: 2 });
    expect(classify.report.accuracy).toBe(1);

    const retrieval = run.results[1] as RetrievalResult;
    expect(retrieval).toMatchObject({ articles: 3, evaluated: 4, answerable: 3, unanswerable: 1 });
    // Three distinct topics, each query in its article's words: search must put it first; BM25 too.
    expect(retrieval.system.recallAt1).toBe(1);
    expect(retrieval.bm25.recallAt1).toBe(1);
    expect(retrieval.abstainRate).not.toBeNull();

    const drafts = run.results[2] as DraftsResult;
    // q1 and q2 have reference answers, q4 is unanswerable; q3 (no reference) is not drafted.
    expect(drafts).toMatchObject({ provider: "local", withReference: 2, unanswerable: 1 });
    expect(drafts.abstained).toBeLessThan(2);
    expect(drafts.citationAccuracy).toBe(1);
    expect(drafts.groundedness).toBe(1); // extractive: every answer sentence is copied from a cited passage

    const md = readFileSync(join(out, "r.md"), "utf8");
    for (const heading of ["## Classification", "## Retrieval and instant answers", "## Drafted replies"]) expect(md).toContain(heading);
    expect(md).toContain("![recall@5](r-charts/retrieval-recall-5.svg)");
    const svg = readFileSync(join(out, "r-charts", "retrieval-recall-5.svg"), "utf8");
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("tiny-kb");
    expect(existsSync(join(out, "r-charts", "drafts-groundedness.svg"))).toBe(true);
  }, 120_000);

  it("also runs the openai provider when OPENAI_API_KEY is set, labels offered as the choices", async () => {
    const answer = { priority: "medium", priorityConfidence: 0.5, priorityReason: "-", team: "billing", teamConfidence: 0.9, teamReason: "mentions a charge" };
    server.enqueue(...Array.from({ length: 4 }, () => ({ json: answer })));
    const config = testConfig({ AI_PROVIDER: "local", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.url });
    const results = await evalClassify(config, { name: "tiny", dir: join(root, "classify", "tiny"), kind: "classify" });
    expect(results.map((r) => r.provider)).toEqual(["local", "openai"]);
    const openai = results[1]!;
    // "billing" for all four rows: three right, the shipping row wrong.
    expect(openai).toMatchObject({ test: 4, errors: 0 });
    expect(openai.report.accuracy).toBe(0.75);
    expect(openai.report.confusedPairs).toEqual([{ gold: "shipping", predicted: "billing", count: 1 }]);
    expect(server.promptText()).toContain("shipping");
    expect(server.pending()).toBe(0);
  });
});
