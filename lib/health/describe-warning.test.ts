import { describe, expect, it } from "vitest";
import { describeWarning, type ExpiryWarning, type WarningKind } from "./expiry-warnings";

/**
 * The banner's sentences, one per kind of problem, with the Page names they concern. A newcomer saw "(password
 * change, logout or app removed) (Gamma Gym)": no sentence may put two parenthesised asides side by side.
 */

const now = new Date("2026-12-01T12:00:00Z");
const inDays = (d: number) => new Date(now.getTime() + d * 24 * 3600 * 1000);

function warning(kind: WarningKind): ExpiryWarning {
  return {
    socialIdentityId: "00000000-0000-4000-8000-000000000001",
    identityName: "Gina Gym",
    kind,
    userTokenExpiresAt: inDays(3),
    dataAccessExpiresAt: inDays(5),
    userTokenAffected: kind === "expiring" || kind === "expired" || kind === "revoked",
    pageNames: ["Gamma Gym"],
    pagesAffected: 1,
    replacedByName: "Other Login",
  };
}

const KINDS: WarningKind[] = [
  "user_token_replaced",
  "expiring",
  "data_access_expiring",
  "data_access_expired",
  "expired",
  "revoked",
  "invalid",
];

describe("describeWarning", () => {
  for (const kind of KINDS) {
    it(`${kind}: names the Page once, without doubled parentheses`, () => {
      const text = describeWarning(warning(kind), now);
      expect(text).not.toMatch(/\)\s*\(/);
      expect(text.match(/\(/g)?.length ?? 0).toBeLessThanOrEqual(1);
      if (kind !== "user_token_replaced") expect(text).toContain("Gamma Gym");
    });
  }

  it("says when, with the date, for what expires", () => {
    expect(describeWarning({ ...warning("expiring"), pageNames: [], pagesAffected: 0 }, now)).toBe(
      "Gina Gym's Facebook connection expires in 3 days, on Dec 4, 2026.",
    );
    expect(describeWarning(warning("data_access_expiring"), now)).toBe(
      "Gina Gym's 90-day Facebook data access expires in 5 days, on Dec 6, 2026 (Gamma Gym): re-approve to keep reading data.",
    );
    expect(describeWarning(warning("revoked"), now)).toBe(
      "Gina Gym's Facebook connection was revoked on Facebook (Gamma Gym): a password change, a logout or the app removed.",
    );
  });
});
