import { describe, expect, it } from "vitest";
import { MAX_LEARNED_QUESTION_LENGTH, normalizeQuestion } from "../../src/services/kb/learned-questions.js";

// What a learned question keeps of the text an agent answered: its lead, not the whole ticket.
// (Whole forum-length tickets as examples made every long query look like every other:
// techqa recall@1 fell from 0.75 to 0.31 with half its queries learned; see evals/RESULTS.md.)
describe("normalizeQuestion", () => {
  it("keeps a one-paragraph question whole, whitespace collapsed", () => {
    expect(normalizeQuestion("  How do I\n reset   my password? ")).toBe("How do I reset my password?");
  });

  it("keeps the first paragraph of a long ticket, not its logs and history", () => {
    const ticket = "Environment variables lost after upgrading to 4.1.1.2?\n\nAfter the upgrade ODBCINI is not set.\n\n   SQL state 08003 ...";
    expect(normalizeQuestion(ticket)).toBe("Environment variables lost after upgrading to 4.1.1.2?");
  });

  it("joins a too-short first line (a bare title) with the paragraph after it", () => {
    expect(normalizeQuestion("Billing\n\nI was charged twice for March.\n\nThanks")).toBe("Billing I was charged twice for March.");
  });

  it("caps the length and returns empty for blank text", () => {
    expect(normalizeQuestion("word ".repeat(200)).length).toBeLessThanOrEqual(MAX_LEARNED_QUESTION_LENGTH);
    expect(normalizeQuestion(" \n\n ")).toBe("");
  });
});
