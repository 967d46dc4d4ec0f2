import { describe, expect, it } from "vitest";
import { matchRoutingRules, type RoutableTicket } from "../../src/services/teams/routing-rules.js";

type Rule = Parameters<typeof matchRoutingRules>[0][number];
let n = 0;
const rule = (attrs: Partial<Rule>): Rule => ({
  id: `rule-${++n}`,
  name: attrs.name ?? `Rule ${n}`,
  position: 0,
  isActive: true,
  keywords: [],
  tags: [],
  channel: null,
  teamId: null,
  priority: null,
  ...attrs,
});
const ticket = (attrs: Partial<RoutableTicket>): RoutableTicket => ({ subject: "", description: "", tags: [], channel: "web", ...attrs });

describe("matchRoutingRules: keywords", () => {
  const outage = rule({ id: "outage", keywords: ["down", "500 error"], teamId: "tech" });

  it("matches a whole word, case-insensitively, in subject or description", () => {
    expect(matchRoutingRules([outage], ticket({ subject: "Site is DOWN" })).teamId).toBe("tech");
    expect(matchRoutingRules([outage], ticket({ description: "everything went down." })).teamId).toBe("tech");
  });

  it("does not match inside another word", () => {
    expect(matchRoutingRules([outage], ticket({ subject: "Cannot download my invoice" }))).toEqual({ matched: [], reasons: [] });
    expect(matchRoutingRules([outage], ticket({ subject: "countdown timer", description: "downtime report" })).matched).toEqual([]);
  });

  it("matches multi-word phrases across any whitespace, but not partial phrases", () => {
    expect(matchRoutingRules([outage], ticket({ description: "I get a 500\n  Error on checkout" })).teamId).toBe("tech");
    expect(matchRoutingRules([outage], ticket({ description: "a 500 errors page" })).teamId).toBeUndefined();
    expect(matchRoutingRules([outage], ticket({ description: "error 500" })).teamId).toBeUndefined();
  });

  it("treats punctuation in keywords literally and respects non-ASCII word characters", () => {
    const sdk = rule({ keywords: ["c++", "e.g"], teamId: "sdk" });
    expect(matchRoutingRules([sdk], ticket({ subject: "C++ client crashes" })).teamId).toBe("sdk");
    expect(matchRoutingRules([sdk], ticket({ subject: "eXg is not e.g" })).teamId).toBe("sdk");
    expect(matchRoutingRules([sdk], ticket({ subject: "egg" })).teamId).toBeUndefined();
    const fr = rule({ keywords: ["facture"], teamId: "billing" });
    expect(matchRoutingRules([fr], ticket({ subject: "factureé" })).teamId).toBeUndefined();
    expect(matchRoutingRules([fr], ticket({ subject: "ma facture, svp" })).teamId).toBe("billing");
  });

  it("any one keyword is enough", () => {
    expect(matchRoutingRules([outage], ticket({ subject: "we are down" })).reasons[0]).toContain('keyword "down"');
  });
});

describe("matchRoutingRules: order and fields", () => {
  it("first matching rule wins per field; team and priority can come from different rules", () => {
    const rules = [
      rule({ id: "p-urgent", position: 1, keywords: ["outage"], priority: "urgent" }),
      rule({ id: "t-tech", position: 2, keywords: ["outage"], teamId: "tech" }),
      rule({ id: "t-other", position: 3, keywords: ["outage"], teamId: "other", priority: "low" }),
    ];
    const result = matchRoutingRules(rules, ticket({ subject: "Outage!" }));
    expect(result).toMatchObject({ teamId: "tech", priority: "urgent", matched: ["p-urgent", "t-tech"] });
    expect(result.reasons).toHaveLength(2);
    expect(result.reasons[0]).toContain("priority urgent");
    expect(result.reasons[1]).toContain("team tech");
  });

  it("sorts by position, not input order; equal positions keep input order", () => {
    const rules = [
      rule({ id: "late", position: 10, keywords: ["refund"], teamId: "late-team" }),
      rule({ id: "early-a", position: 5, keywords: ["refund"], teamId: "a" }),
      rule({ id: "early-b", position: 5, keywords: ["refund"], teamId: "b" }),
    ];
    expect(matchRoutingRules(rules, ticket({ subject: "refund please" }))).toMatchObject({ teamId: "a", matched: ["early-a"] });
  });

  it("a later rule still fills the field an earlier rule left open", () => {
    const rules = [
      rule({ id: "team-only", position: 0, keywords: ["invoice"], teamId: "billing" }),
      rule({ id: "both", position: 1, keywords: ["invoice"], teamId: "ignored", priority: "high" }),
    ];
    expect(matchRoutingRules(rules, ticket({ subject: "invoice" }))).toMatchObject({
      teamId: "billing",
      priority: "high",
      matched: ["team-only", "both"],
    });
  });

  it("skips inactive rules", () => {
    const rules = [
      rule({ id: "off", position: 0, keywords: ["refund"], teamId: "off-team", isActive: false }),
      rule({ id: "on", position: 1, keywords: ["refund"], teamId: "on-team" }),
    ];
    expect(matchRoutingRules(rules, ticket({ subject: "refund" }))).toMatchObject({ teamId: "on-team", matched: ["on"] });
  });

  it("returns nothing when no rule matches", () => {
    expect(matchRoutingRules([rule({ keywords: ["refund"], teamId: "x" })], ticket({ subject: "hello" }))).toEqual({ matched: [], reasons: [] });
    expect(matchRoutingRules([], ticket({ subject: "hello" }))).toEqual({ matched: [], reasons: [] });
  });
});

describe("matchRoutingRules: tags, channel and combined conditions", () => {
  it("matches a tag the ticket has, case-insensitively", () => {
    const vip = rule({ tags: ["vip", "enterprise"], priority: "high" });
    expect(matchRoutingRules([vip], ticket({ tags: ["Enterprise"] })).priority).toBe("high");
    expect(matchRoutingRules([vip], ticket({ tags: ["free"] })).priority).toBeUndefined();
  });

  it("requires the channel to be equal when set", () => {
    const api = rule({ channel: "api", keywords: ["error"], teamId: "tech" });
    expect(matchRoutingRules([api], ticket({ channel: "api", subject: "error 42" })).teamId).toBe("tech");
    expect(matchRoutingRules([api], ticket({ channel: "email", subject: "error 42" })).teamId).toBeUndefined();
  });

  it("needs every kind of condition present to hold", () => {
    const combo = rule({ name: "VIP refunds", channel: "email", tags: ["vip"], keywords: ["refund"], teamId: "vip-billing" });
    const base = { channel: "email", tags: ["vip"], subject: "refund" };
    expect(matchRoutingRules([combo], ticket(base)).teamId).toBe("vip-billing");
    expect(matchRoutingRules([combo], ticket({ ...base, channel: "web" })).teamId).toBeUndefined();
    expect(matchRoutingRules([combo], ticket({ ...base, tags: [] })).teamId).toBeUndefined();
    expect(matchRoutingRules([combo], ticket({ ...base, subject: "refunded" })).teamId).toBeUndefined();
    expect(matchRoutingRules([combo], ticket(base)).reasons[0]).toBe('rule "VIP refunds" (channel is email, tag "vip", keyword "refund") → team vip-billing');
  });

  it("a rule without conditions is a catch-all", () => {
    const rules = [rule({ id: "specific", position: 0, keywords: ["refund"], teamId: "billing" }), rule({ id: "default", position: 9, teamId: "general", priority: "low" })];
    expect(matchRoutingRules(rules, ticket({ subject: "hi" }))).toMatchObject({ teamId: "general", priority: "low", matched: ["default"] });
    expect(matchRoutingRules(rules, ticket({ subject: "refund" }))).toMatchObject({ teamId: "billing", priority: "low", matched: ["specific", "default"] });
  });
});
