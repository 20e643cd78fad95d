import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatNumber, timeAgo } from "./format";

/** The same text on the server and in any browser: no locale data involved. */
describe("format", () => {
  it("writes dates in UTC with fixed English month names", () => {
    expect(formatDate("2026-09-29T23:59:00Z")).toBe("29 Sep 2026");
    expect(formatDate("2026-01-01T00:00:00+02:00")).toBe("31 Dec 2025");
    expect(formatDateTime("2026-11-05T07:04:00Z")).toBe("5 Nov 2026, 07:04 UTC");
    expect(formatDate(null)).toBe("—");
  });

  it("groups thousands", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(999)).toBe("999");
    expect(formatNumber(1000)).toBe("1,000");
    expect(formatNumber(1234567)).toBe("1,234,567");
  });

  it("measures ago from the given now", () => {
    const now = Date.parse("2026-11-29T12:00:00Z");
    expect(timeAgo("2026-11-29T11:59:30Z", now)).toBe("just now");
    expect(timeAgo("2026-11-29T11:00:00Z", now)).toBe("1 h ago");
    expect(timeAgo(null, now)).toBe("never");
  });
});
