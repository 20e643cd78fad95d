import { describe, expect, it } from "vitest";
import { parseDashboardQuery } from "./dashboard-query";
import { withoutControlCharacters } from "./contract";

/** Security finding: a NUL (or other control character) in search text reached PostgreSQL and answered 500. */
describe("dashboard search text", () => {
  it("drops control characters (NUL, tab, DEL) instead of passing them to the database", () => {
    expect(parseDashboardQuery({ q: "ac\u0000me" }).q).toBe("acme");
    expect(parseDashboardQuery({ q: "\u0000" }).q).toBeNull();
    expect(parseDashboardQuery({ q: " a\tb\u007f " }).q).toBe("ab");
    expect(parseDashboardQuery({ q: "plain words" }).q).toBe("plain words");
  });
});

describe("withoutControlCharacters (names Facebook sends, search text)", () => {
  it("drops NUL and the other control characters, keeps the rest", () => {
    expect(withoutControlCharacters("Ann\u0000a Smith\u001f")).toBe("Anna Smith");
    expect(withoutControlCharacters("Zoë 😀")).toBe("Zoë 😀");
  });
});
