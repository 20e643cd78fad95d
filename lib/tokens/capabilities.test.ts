import { describe, expect, it } from "vitest";
import { CAPABILITIES, PAGE_TASKS, pageCapabilities, type Capability, type CapabilityInput } from "./capabilities";

/** The capability matrix: every combination of the six Page tasks, then scopes and token statuses. */

const ALL_SCOPES = [
  "pages_show_list",
  "pages_read_engagement",
  "pages_manage_posts",
  "pages_manage_engagement",
  "pages_messaging",
  "read_insights",
  "ads_management",
];

/** The task each capability needs, written out independently of the implementation's table. */
const NEEDS: Record<Capability, string> = {
  publish: "CREATE_CONTENT",
  moderate: "MODERATE",
  message: "MESSAGING",
  advertise: "ADVERTISE",
  insights: "ANALYZE",
};

const combinations: string[][] = Array.from({ length: 1 << PAGE_TASKS.length }, (_, mask) => PAGE_TASKS.filter((_, i) => mask & (1 << i)));

const verdicts = (input: Partial<CapabilityInput>) =>
  Object.fromEntries(
    pageCapabilities({ tasks: [], grantedScopes: ALL_SCOPES, declinedScopes: [], tokenStatus: "active", ...input }).map((v) => [
      v.capability,
      v.reason,
    ]),
  ) as Record<Capability, string | null>;

describe("pageCapabilities: every task combination (64), all scopes granted, token active", () => {
  it("covers all 64 combinations", () => {
    expect(combinations).toHaveLength(64);
    expect(new Set(combinations.map((c) => c.join(","))).size).toBe(64);
  });

  it.each(combinations.map((c) => [c.join(",") || "(no tasks)", c] as const))("%s", (_name, tasks) => {
    const v = verdicts({ tasks });
    for (const cap of CAPABILITIES) {
      const allowed = tasks.includes("MANAGE") || tasks.includes(NEEDS[cap] as (typeof tasks)[number]);
      expect(v[cap]).toBe(allowed ? null : `no ${NEEDS[cap]} task on this Page`);
    }
  });
});

describe("pageCapabilities: scopes", () => {
  const everything = ["MANAGE"];

  it("a declined scope is named as declined, for exactly the capabilities that need it", () => {
    const v = verdicts({
      tasks: everything,
      grantedScopes: ALL_SCOPES.filter((s) => s !== "pages_manage_posts"),
      declinedScopes: ["pages_manage_posts"],
    });
    expect(v).toEqual({ publish: "pages_manage_posts was declined", moderate: null, message: null, advertise: null, insights: null });
  });

  it("a scope neither granted nor declined (an older connect) is 'not granted'", () => {
    const v = verdicts({ tasks: everything, grantedScopes: ["pages_show_list", "pages_manage_posts"] });
    expect(v).toEqual({
      publish: "pages_read_engagement was not granted",
      moderate: "pages_manage_engagement was not granted",
      message: "pages_messaging was not granted",
      advertise: "ads_management was not granted",
      insights: "read_insights was not granted",
    });
  });

  it("two declined scopes of one capability are both named", () => {
    const v = verdicts({
      tasks: ["CREATE_CONTENT"],
      grantedScopes: ["pages_show_list"],
      declinedScopes: ["pages_manage_posts", "pages_read_engagement"],
    });
    expect(v.publish).toBe("pages_manage_posts and pages_read_engagement were declined");
  });

  it("the missing task is reported before a declined scope (the first thing to fix)", () => {
    const v = verdicts({ tasks: ["ANALYZE"], declinedScopes: ["pages_manage_posts"], grantedScopes: ["read_insights"] });
    expect(v.publish).toBe("no CREATE_CONTENT task on this Page");
    expect(v.insights).toBeNull();
  });
});

describe("pageCapabilities: token status", () => {
  it.each([
    ["revoked", "token revoked"],
    ["expired", "token expired"],
    ["invalid", "token no longer accepted by Facebook"],
    ["data_access_expired", "90-day data access expired (re-approve)"],
    ["none", "no active token for this Page"],
  ] as const)("%s → nothing, because %s", (tokenStatus, reason) => {
    const v = verdicts({ tasks: ["MANAGE"], tokenStatus });
    for (const cap of CAPABILITIES) expect(v[cap]).toBe(reason);
  });

  it.each(["active", "expiring", "unchecked", "data_access_expiring"] as const)("%s still works", (tokenStatus) => {
    const v = verdicts({ tasks: ["MANAGE"], tokenStatus });
    for (const cap of CAPABILITIES) expect(v[cap]).toBeNull();
  });
});
