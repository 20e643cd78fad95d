import { describe, expect, it } from "vitest";
import { DAY_MS } from "../time";
import { deriveStatus } from "./status";

const now = new Date("2026-11-25T12:00:00Z");
const at = (days: number) => new Date(now.getTime() + days * DAY_MS);

describe("deriveStatus", () => {
  it.each([
    ["valid, never expires", { isValid: true, expiresAt: null }, "active"],
    ["valid, 30 days left", { isValid: true, expiresAt: at(30) }, "active"],
    ["valid, 3 days left (window 7)", { isValid: true, expiresAt: at(3) }, "expiring"],
    ["valid but past its expiry", { isValid: true, expiresAt: at(-1) }, "expired"],
    ["invalid, subcode 463", { isValid: false, expiresAt: null, errorCode: 190, errorSubcode: 463 }, "expired"],
    ["invalid, password changed (460)", { isValid: false, expiresAt: at(10), errorCode: 190, errorSubcode: 460 }, "revoked"],
    [
      "revoked (458) and also past its expiry: Facebook's reason wins",
      { isValid: false, expiresAt: at(-2), errorCode: 190, errorSubcode: 458 },
      "revoked",
    ],
    ["invalid without a subcode", { isValid: false, expiresAt: null, errorCode: 190 }, "invalid"],
    ["valid, data access lapses in 3 days", { isValid: true, expiresAt: null, dataAccessExpiresAt: at(3) }, "data_access_expiring"],
    ["valid, data access lapsed", { isValid: true, expiresAt: at(30), dataAccessExpiresAt: at(-1) }, "data_access_expired"],
    ["valid, data access 60 days away", { isValid: true, expiresAt: null, dataAccessExpiresAt: at(60) }, "active"],
    ["token expiring beats data access expiring", { isValid: true, expiresAt: at(2), dataAccessExpiresAt: at(1) }, "expiring"],
    ["data access lapsed beats token expiring", { isValid: true, expiresAt: at(2), dataAccessExpiresAt: at(-1) }, "data_access_expired"],
    ["expired beats data access lapsed", { isValid: true, expiresAt: at(-1), dataAccessExpiresAt: at(-5) }, "expired"],
    ["a read refused with 190/493", { isValid: false, expiresAt: null, errorCode: 190, errorSubcode: 493 }, "data_access_expired"],
  ] as const)("%s → %s", (_what, input, expected) => {
    expect(deriveStatus({ ...input, now, warningDays: 7 })).toBe(expected);
  });
});
