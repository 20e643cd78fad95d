import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TikTokClient } from "../../lib/tiktok/api-client";
import { TikTokEmulatorControl } from "./client";
import { FORM_ONLY, startTikTokEmulator, type RunningTikTokEmulator } from "./server";

const KEY = "testclientkey";
const SECRET = "test-client-secret";
const REDIRECT = "http://127.0.0.1:9/api/auth/callback/tiktok";

let emu: RunningTikTokEmulator;
let control: TikTokEmulatorControl;

beforeAll(async () => {
  emu = await startTikTokEmulator({ clientKey: KEY, clientSecret: SECRET });
  control = new TikTokEmulatorControl(emu.url);
});
afterAll(async () => emu?.close());
beforeEach(async () => control.reset());

function form(values: Record<string, string>): RequestInit {
  return { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(values).toString() };
}

async function decide(values: Record<string, string | string[]>): Promise<URL> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(`${emu.url}/v2/auth/authorize/decide/`, { method: "POST", body, redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

async function code(scopes = "user.info.basic,user.info.profile", tick = ["user.info.profile"]): Promise<string> {
  const url = await decide({
    client_key: KEY,
    redirect_uri: REDIRECT,
    state: "st1",
    requested_scopes: scopes,
    person: "tt-open-0001",
    decision: "approve",
    scope: tick,
  });
  expect(url.searchParams.get("state")).toBe("st1");
  return url.searchParams.get("code") ?? "";
}

async function token(values: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/v2/oauth/token/`, form({ client_key: KEY, client_secret: SECRET, ...values }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function userInfo(accessToken: string, fields = "open_id,display_name") {
  const res = await fetch(`${emu.url}/v2/user/info/?fields=${fields}`, { headers: { Authorization: `Bearer ${accessToken}` } });
  return {
    status: res.status,
    body: (await res.json()) as { data: { user?: Record<string, unknown> }; error: { code: string; message: string; log_id: string } },
  };
}

async function login(): Promise<Record<string, unknown>> {
  const r = await token({ grant_type: "authorization_code", code: await code(), redirect_uri: REDIRECT });
  expect(r.status).toBe(200);
  return r.body;
}

describe("TikTok emulator", () => {
  it("shows a consent page listing people and scopes, and refuses an unknown client_key", async () => {
    const page = await fetch(
      `${emu.url}/v2/auth/authorize/?client_key=${KEY}&scope=user.info.basic,video.upload&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=x`,
    );
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Tara Tok");
    expect(html).toContain("Scope video.upload");
    const bad = await fetch(
      `${emu.url}/v2/auth/authorize/?client_key=nope&scope=user.info.basic&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(bad.status).toBe(400);
  });

  it("cancel redirects with access_denied and the state", async () => {
    const url = await decide({
      client_key: KEY,
      redirect_uri: REDIRECT,
      state: "s9",
      requested_scopes: "user.info.basic",
      decision: "cancel",
    });
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("state")).toBe("s9");
    expect(url.searchParams.get("code")).toBeNull();
  });

  it("exchanges a code once for the documented token answer; unticked scopes are not granted", async () => {
    const c = await code("user.info.basic,user.info.profile,video.upload", []);
    const r = await token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      expires_in: 7200,
      refresh_expires_in: 15552000,
      open_id: "tt-open-0001",
      token_type: "Bearer",
      scope: "user.info.basic",
    });
    expect(typeof r.body["access_token"]).toBe("string");
    expect(typeof r.body["refresh_token"]).toBe("string");
    const again = await token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.body["error"]).toBe("invalid_grant");
    expect(typeof again.body["log_id"]).toBe("string");
  });

  it("refuses a wrong client secret with invalid_client", async () => {
    const r = await token({ grant_type: "authorization_code", code: await code(), redirect_uri: REDIRECT, client_secret: "wrong" });
    expect(r.status).toBe(401);
    expect(r.body["error"]).toBe("invalid_client");
  });

  it("rotates the refresh token: the old one is refused afterwards with TikTok's error body, the new pair works", async () => {
    const first = await login();
    const r1 = await token({ grant_type: "refresh_token", refresh_token: first["refresh_token"] as string });
    expect(r1.status).toBe(200);
    expect(r1.body["refresh_token"]).not.toBe(first["refresh_token"]);
    const reuse = await token({ grant_type: "refresh_token", refresh_token: first["refresh_token"] as string });
    expect(reuse.status).toBe(400);
    expect(Object.keys(reuse.body).sort()).toEqual(["error", "error_description", "log_id"]);
    expect(reuse.body["error"]).toBe("invalid_grant");
    const r2 = await token({ grant_type: "refresh_token", refresh_token: r1.body["refresh_token"] as string });
    expect(r2.status).toBe(200);
    const stats = await control.stats();
    expect(stats).toMatchObject({ refreshes: 2, refreshReuses: 1, refreshTokensSpent: 2, maxSpendsPerToken: 1 });
    expect((await userInfo(r2.body["access_token"] as string)).status).toBe(200);
  });

  it("user info: fields, scope checks, bad tokens, expiry by the emulator clock", async () => {
    const pair = await login();
    const at = pair["access_token"] as string;
    const ok = await userInfo(at, "open_id,display_name,username");
    expect(ok.status).toBe(200);
    expect(ok.body.data.user).toEqual({ open_id: "tt-open-0001", display_name: "Tara Tok", username: "taratok" });
    expect(ok.body.error.code).toBe("ok");
    const stats = await userInfo(at, "follower_count");
    expect(stats.status).toBe(401);
    expect(stats.body.error.code).toBe("scope_not_authorized");
    const unknown = await userInfo(at, "shoe_size");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("invalid_params");
    expect((await userInfo("act.nope")).body.error.code).toBe("access_token_invalid");
    await control.advanceClock(7201);
    const expired = await userInfo(at);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ data: {}, error: { code: "access_token_invalid" } });
  });

  it("refresh token expiry and configurable lifetimes", async () => {
    await control.configure({ accessTtlSeconds: 60, refreshTtlSeconds: 120 });
    const pair = await login();
    expect(pair).toMatchObject({ expires_in: 60, refresh_expires_in: 120 });
    await control.advanceClock(121);
    const r = await token({ grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string });
    expect(r.status).toBe(400);
    expect(r.body["error"]).toBe("invalid_grant");
  });

  it("revoke ends every token of the account", async () => {
    const pair = await login();
    const res = await fetch(
      `${emu.url}/v2/oauth/revoke/`,
      form({ client_key: KEY, client_secret: SECRET, token: pair["access_token"] as string }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await userInfo(pair["access_token"] as string)).status).toBe(401);
    expect((await token({ grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string })).body["error"]).toBe(
      "invalid_grant",
    );
    expect((await control.stats()).revokes).toBe(1);
  });

  it("rate limit answers 429 rate_limit_exceeded", async () => {
    await control.configure({ rateLimitPerMinute: 2 });
    const pair = await login();
    const at = pair["access_token"] as string;
    expect((await userInfo(at)).status).toBe(200);
    expect((await userInfo(at)).status).toBe(200);
    const limited = await userInfo(at);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limit_exceeded");
    await control.advanceClock(61);
    expect((await userInfo(at)).status).toBe(200);
  });

  it("control: fail next, expire and revoke by hand", async () => {
    const pair = await login();
    await control.failNext({ path: "/v2/oauth/token/", grantType: "refresh_token", status: 500, error: "internal_error" });
    const failed = await token({ grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string });
    expect(failed.status).toBe(500);
    expect(failed.body["error"]).toBe("internal_error");
    // The failed call spent nothing: the refresh token still works.
    expect((await token({ grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string })).status).toBe(200);
    const second = await login();
    await control.expire(second["access_token"] as string);
    expect((await userInfo(second["access_token"] as string)).status).toBe(401);
    await control.revoke({ token: second["refresh_token"] as string });
    expect((await token({ grant_type: "refresh_token", refresh_token: second["refresh_token"] as string })).status).toBe(400);
  });

  it("PKCE: a code bound to a challenge needs the verifier", async () => {
    const { createHash } = await import("node:crypto");
    const verifier = "v".repeat(50);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const url = await decide({
      client_key: KEY,
      redirect_uri: REDIRECT,
      requested_scopes: "user.info.basic",
      person: "tt-open-0002",
      decision: "approve",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const c = url.searchParams.get("code") ?? "";
    expect((await token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT, code_verifier: "wrong" })).status).toBe(400);
    expect((await token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT, code_verifier: verifier })).status).toBe(200);
  });

  it("/v2/oauth/*: anything but a form is refused with invalid_request and changes nothing", async () => {
    const c = await code();
    const pair = await login();
    const asJson = (path: string, values: Record<string, string>) =>
      fetch(`${emu.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_key: KEY, client_secret: SECRET, ...values }),
      });
    const attempts = [
      asJson("/v2/oauth/token/", { grant_type: "authorization_code", code: c, redirect_uri: REDIRECT }),
      asJson("/v2/oauth/token/", { grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string }),
      asJson("/v2/oauth/revoke/", { token: pair["access_token"] as string }),
      // A form body without its Content-Type (fetch sends text/plain for a string).
      fetch(`${emu.url}/v2/oauth/token/`, {
        method: "POST",
        body: new URLSearchParams({ client_key: KEY, client_secret: SECRET, grant_type: "authorization_code", code: c }).toString(),
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["error", "error_description", "log_id"]);
      expect(body).toMatchObject({ error: "invalid_request", error_description: FORM_ONLY });
    }
    expect(await control.stats()).toMatchObject({ codeExchanges: 1, refreshes: 0, refreshTokensSpent: 0, revokes: 0 });
    // Nothing was spent or revoked: the code, the refresh token and the access token still work as a form.
    expect((await userInfo(pair["access_token"] as string)).status).toBe(200);
    expect((await token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT })).status).toBe(200);
    expect((await token({ grant_type: "refresh_token", refresh_token: pair["refresh_token"] as string })).status).toBe(200);
    // A form with a charset parameter is still a form.
    const withCharset = await fetch(`${emu.url}/v2/oauth/revoke/`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" },
      body: new URLSearchParams({ client_key: KEY, client_secret: SECRET, token: pair["access_token"] as string }).toString(),
    });
    expect(withCharset.status).toBe(200);
  });

  it("our TikTok client (lib/tiktok) refreshes and revokes through the form-only endpoints", async () => {
    const client = new TikTokClient({
      clientKey: KEY,
      clientSecret: SECRET,
      authBase: emu.url,
      apiBase: emu.url,
      scopes: ["user.info.basic"],
      timeoutMs: 10_000,
    });
    const pair = await login();
    const next = await client.refresh(pair["refresh_token"] as string);
    expect(next.openId).toBe("tt-open-0001");
    expect(next.refreshToken).not.toBe(pair["refresh_token"]);
    expect((await client.userInfo(next.accessToken)).displayName).toBe("Tara Tok");
    await client.revoke(next.accessToken);
    expect(await control.stats()).toMatchObject({ refreshes: 1, revokes: 1 });
    expect((await userInfo(next.accessToken)).status).toBe(401);
  });
});
