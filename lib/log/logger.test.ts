import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logger, redact, redactString, setLogSink } from "./logger";

/** Secret redaction on the way out of the logger: by value shape anywhere in a string, and by key name in objects. */

const FB_TOKEN = "EAAGm0PX4ZCpsBAKZAq9lZBvq2ZCZBZAhXgZDZD8uZCu8ZBZAZAjZBQ1N";
const PAGE_TOKEN = "EAAB" + "a1B2c3D4".repeat(8);

describe("redactString", () => {
  it.each([
    ["a bare Facebook token", `token is ${FB_TOKEN}.`, `token is [REDACTED].`],
    ["two tokens in one string", `${FB_TOKEN} and ${PAGE_TOKEN}`, "[REDACTED] and [REDACTED]"],
    ["an OAuth Authorization header", "Authorization: OAuth abcdefgh12345678", "Authorization: [REDACTED]"],
    ["an OAuth header carrying a Facebook token", `Authorization: OAuth ${FB_TOKEN}`, "Authorization: OAuth [REDACTED]"],
    ["a Bearer header with a JWT-ish value", "Bearer abc.def-ghi_jkl", "[REDACTED]"],
    ["not a credential: Auth.js's own wording", "OAuth Provider returned an error", "OAuth Provider returned an error"],
    ["an app access token (app id | secret)", "using 1234567890|0123456789abcdef0123456789abcdef now", "using [REDACTED] now"],
  ])("redacts %s", (_what, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each(["access_token", "client_secret", "fb_exchange_token", "input_token", "appsecret_proof", "code"])(
    "redacts %s=… in a URL and keeps the other parameters",
    (param) => {
      const url = `https://graph.facebook.com/v24.0/oauth/access_token?client_id=42&${param}=s3cr3t-V4lue_123&fields=id,name`;
      const out = redactString(url);
      expect(out).toBe(`https://graph.facebook.com/v24.0/oauth/access_token?client_id=42&${param}=[REDACTED]&fields=id,name`);
      expect(out).not.toContain("s3cr3t");
    },
  );

  it("redacts the code and state of an OAuth callback URL as the dev server logs it", () => {
    const line = " GET /api/auth/callback/facebook?code=AQBx9_secretcode&state=eyJhbGciOi.secret-state 302 in 812ms";
    expect(redactString(line)).toBe(" GET /api/auth/callback/facebook?code=[REDACTED]&state=[REDACTED] 302 in 812ms");
  });

  it("redacts parameter names case-insensitively and at the start of a query", () => {
    expect(redactString("?ACCESS_TOKEN=abc123&x=1")).toBe("?ACCESS_TOKEN=[REDACTED]&x=1");
    expect(redactString("access_token=abc123")).toBe("access_token=[REDACTED]");
  });

  it('redacts JSON-style "access_token":"…" pairs (a Graph body quoted in an error message)', () => {
    const body = `Facebook said {"access_token":"not-an-EAA-shaped-token","token_type":"bearer","expires_in":5183944}`;
    const out = redactString(body);
    expect(out).not.toContain("not-an-EAA-shaped-token");
    expect(out).toContain('"token_type":"bearer"');
    expect(out).toContain('"expires_in":5183944');
    expect(out).toContain('"access_token":"[REDACTED]"');
    const escaped = redactString(`{\\"client_secret\\":\\"shh-1\\",\\"page_access_token\\":\\"shh-2\\",\\"name\\":\\"Bakery\\"}`);
    expect(escaped).not.toMatch(/shh-/);
    expect(escaped).toContain("Bakery");
  });

  it("redacts an app access token whose secret has dashes or underscores", () => {
    expect(redactString("4242424242|harness-app_secret-01")).toBe("[REDACTED]");
  });

  it("redacts our API keys, alone or as an Authorization header value", () => {
    const key = "stk_live_" + "aB3".repeat(14) + "x";
    expect(redactString(`Authorization: Bearer ${key}`)).not.toContain(key.slice(9));
    expect(redactString(`key=${key} end`)).toBe("key=[REDACTED] end");
    expect(redact({ headers: { Authorization: `Bearer ${key}` }, note: key })).toEqual({
      headers: { Authorization: "[REDACTED]" },
      note: "[REDACTED]",
    });
  });

  it("leaves ordinary text, ids and numbers alone", () => {
    const s = "Connected Alice with 3 Pages (tenant 0b6c…, page 2000001, HTTP 500, error 190/463)";
    expect(redactString(s)).toBe(s);
  });
});

describe("redact", () => {
  it("replaces values under secret-named keys whatever their type, keeping other keys", () => {
    const out = redact({
      tenantId: "t-1",
      step: "exchange",
      errorCode: "facebook_190",
      token: "anything",
      accessToken: "x",
      access_token: { nested: true },
      pageToken: 12345,
      client_secret: "s",
      appSecret: "s",
      password: "p",
      ciphertext: new Uint8Array([1, 2, 3]),
      authorization: "OAuth x",
      Cookie: "a=b",
      appsecret_proof: "hex",
      code_verifier: "v",
      code: "AQxyz",
      signed_request: "sig.payload",
    });
    expect(out).toEqual({
      tenantId: "t-1",
      step: "exchange",
      errorCode: "facebook_190",
      token: "[REDACTED]",
      accessToken: "[REDACTED]",
      access_token: "[REDACTED]",
      pageToken: "[REDACTED]",
      client_secret: "[REDACTED]",
      appSecret: "[REDACTED]",
      password: "[REDACTED]",
      ciphertext: "[REDACTED]",
      authorization: "[REDACTED]",
      Cookie: "[REDACTED]",
      appsecret_proof: "[REDACTED]",
      code_verifier: "[REDACTED]",
      code: "[REDACTED]",
      signed_request: "[REDACTED]",
    });
  });

  it("redacts token-shaped values under innocent keys, deep in objects and arrays", () => {
    const out = redact({ a: { b: [`url?access_token=${FB_TOKEN}`, { c: FB_TOKEN }] }, note: `see ${PAGE_TOKEN}` });
    expect(JSON.stringify(out)).not.toMatch(/EAA[A-Za-z0-9]{8}/);
    expect(out).toEqual({ a: { b: ["url?access_token=[REDACTED]", { c: "[REDACTED]" }] }, note: "see [REDACTED]" });
  });

  it("turns an Error into name + redacted message (+ redacted cause), dropping the stack", () => {
    const cause = new Error(`inner ${FB_TOKEN}`);
    const err = new Error(`Graph said: invalid token ${FB_TOKEN}`, { cause });
    err.name = "FacebookApiError";
    const out = redact(err);
    expect(out).toEqual({
      name: "FacebookApiError",
      message: "Graph said: invalid token [REDACTED]",
      cause: { name: "Error", message: "inner [REDACTED]" },
    });
    expect(JSON.stringify(out)).not.toContain("at ");
  });

  it("serialises dates, caps arrays at 50 items and stops at depth 6 (cycles cannot hang it)", () => {
    expect(redact(new Date("2030-01-02T03:04:05Z"))).toBe("2030-01-02T03:04:05.000Z");
    expect((redact(Array.from({ length: 80 }, (_, i) => i)) as number[]).length).toBe(50);
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(JSON.stringify(redact(cyclic))).toContain("[…]");
    expect(redact(null)).toBeNull();
    expect(redact(42)).toBe(42);
  });
});

describe("logger", () => {
  let lines: string[];
  const savedLevel = process.env.LOG_LEVEL;

  beforeEach(() => {
    lines = [];
    setLogSink((l) => lines.push(l));
  });

  afterEach(() => {
    setLogSink(null);
    if (savedLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = savedLevel;
  });

  it("writes one JSON line per event with time, level, event and redacted fields", () => {
    process.env.LOG_LEVEL = "debug";
    logger.warn("facebook.connect.failed", {
      tenantId: "t-1",
      url: `https://x/me?access_token=${FB_TOKEN}`,
      token: FB_TOKEN,
      error: new Error(`bad ${FB_TOKEN}`),
    });

    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: "warn",
      event: "facebook.connect.failed",
      tenantId: "t-1",
      url: "https://x/me?access_token=[REDACTED]",
      token: "[REDACTED]",
      error: { name: "Error", message: "bad [REDACTED]" },
    });
    expect(lines[0]).not.toContain(FB_TOKEN);
  });

  it("redacts a token that ends up in the event name itself", () => {
    process.env.LOG_LEVEL = "debug";
    logger.info(`oops ${FB_TOKEN}`);
    expect(lines[0]).not.toContain(FB_TOKEN);
    expect((JSON.parse(lines[0]!) as { event: string }).event).toBe("oops [REDACTED]");
  });

  it("honours LOG_LEVEL (warn drops debug and info; silent drops everything)", () => {
    process.env.LOG_LEVEL = "warn";
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(["w", "e"]);
    process.env.LOG_LEVEL = "silent";
    logger.error("nothing");
    expect(lines).toHaveLength(2);
  });
});
