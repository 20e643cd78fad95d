import { describe, expect, it } from "vitest";
import { parseDashboardQuery } from "./dashboard-query";

/** Security finding: a NUL (or other control character) in search text reached PostgreSQL and answered 500. */
describe("dashboard search text", () => {
  it("drops control characters (NUL, tab, DEL) instead of passing them to the database", () => {
    expect(parseDashboardQuery({ q: "ac\u0000me" }).q).toBe("acme");
    expect(parseDashboardQuery({ q: "\u0000" }).q).toBeNull();
    expect(parseDashboardQuery({ q: " a\tb\u007f " }).q).toBe("ab");
    expect(parseDashboardQuery({ q: "plain words" }).q).toBe("plain words");
  });
});
