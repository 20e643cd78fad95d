import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signRequest, verifySignedRequest, SignedRequestError, type SignedRequestProblem } from "./signed-request";

const SECRET = "meta-app-secret-for-tests";
const now = new Date("2026-12-01T12:00:00Z");
const nowSec = Math.floor(now.getTime() / 1000);
const payload = (extra: Record<string, unknown> = {}) => ({
  algorithm: "HMAC-SHA256",
  issued_at: nowSec - 30,
  user_id: "1000001",
  ...extra,
});

function problemOf(raw: string | null): SignedRequestProblem | "ok" {
  try {
    verifySignedRequest(raw, SECRET, now);
    return "ok";
  } catch (err) {
    if (err instanceof SignedRequestError) return err.problem;
    throw err;
  }
}

describe("verifySignedRequest", () => {
  it("accepts what Meta sends (signature first) and returns the app-scoped user id", () => {
    const raw = signRequest(payload({ expires: nowSec + 3600, profile_id: 42 }), SECRET);
    expect(verifySignedRequest(raw, SECRET, now)).toEqual({
      algorithm: "HMAC-SHA256",
      userId: "1000001",
      issuedAt: new Date((nowSec - 30) * 1000),
      expires: new Date((nowSec + 3600) * 1000),
      profileId: "42",
    });
  });

  it("accepts padded base64url and a numeric user_id", () => {
    const body = Buffer.from(JSON.stringify(payload({ user_id: 1000001 }))).toString("base64");
    const b64url = body.replaceAll("+", "-").replaceAll("/", "_");
    const sig = createHmac("sha256", SECRET).update(b64url).digest("base64url");
    expect(verifySignedRequest(`${sig}=.${b64url}`, SECRET, now).userId).toBe("1000001");
  });

  it("refuses a forged signature, a signature with another secret, and payload-first order", () => {
    const good = signRequest(payload(), SECRET);
    const [sig, body] = good.split(".") as [string, string];
    const tampered = Buffer.from(JSON.stringify(payload({ user_id: "666" }))).toString("base64url");
    expect(problemOf(`${sig}.${tampered}`)).toBe("bad_signature");
    expect(problemOf(signRequest(payload(), "another-secret"))).toBe("bad_signature");
    expect(problemOf(`${body}.${sig}`)).toBe("bad_signature");
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect(problemOf(`${flipped}.${body}`)).toBe("bad_signature");
    expect(problemOf(`${sig.slice(0, 20)}.${body}`)).toBe("bad_signature"); // short signature
  });

  it("refuses any algorithm but HMAC-SHA256, even when correctly signed", () => {
    expect(problemOf(signRequest(payload({ algorithm: "HMAC-SHA1" }), SECRET))).toBe("bad_algorithm");
    expect(problemOf(signRequest(payload({ algorithm: "none" }), SECRET))).toBe("bad_algorithm");
  });

  it("refuses malformed input", () => {
    const good = signRequest(payload(), SECRET);
    const [sig, body] = good.split(".") as [string, string];
    expect(problemOf(null)).toBe("missing");
    expect(problemOf("")).toBe("missing");
    expect(problemOf("no-dot-here")).toBe("malformed");
    expect(problemOf(`${sig}.${body}.extra`)).toBe("malformed");
    expect(problemOf(`.${body}`)).toBe("malformed");
    expect(problemOf(`${sig}!.${body}`)).toBe("malformed");
    expect(problemOf(`${sig}.${body}*`)).toBe("malformed");
    expect(problemOf(`${sig}.a`)).toBe("malformed"); // impossible base64 length
    // Correctly signed but not JSON / missing fields.
    const notJson = Buffer.from("not json").toString("base64url");
    expect(problemOf(`${createHmac("sha256", SECRET).update(notJson).digest("base64url")}.${notJson}`)).toBe("malformed");
    expect(problemOf(signRequest({ algorithm: "HMAC-SHA256", issued_at: nowSec }, SECRET))).toBe("malformed");
    expect(problemOf("x".repeat(10_000))).toBe("malformed");
  });

  it("honours expires and refuses an old or future issued_at", () => {
    expect(problemOf(signRequest(payload({ expires: nowSec - 1 }), SECRET))).toBe("expired");
    expect(problemOf(signRequest(payload({ expires: 0 }), SECRET))).toBe("ok"); // 0 = no expiry
    expect(problemOf(signRequest(payload({ issued_at: nowSec - 2 * 86400 }), SECRET))).toBe("too_old");
    expect(problemOf(signRequest(payload({ issued_at: nowSec - 86400 + 60 }), SECRET))).toBe("ok");
    expect(problemOf(signRequest(payload({ issued_at: nowSec + 3600 }), SECRET))).toBe("issued_in_future");
  });
});
