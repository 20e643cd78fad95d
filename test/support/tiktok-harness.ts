import "server-only";
import { TikTokEmulatorControl } from "../../emulators/tiktok/client";
import { startTikTokEmulator, type RunningTikTokEmulator } from "../../emulators/tiktok/server";
import { connectTikTok, type TikTokConnectResult } from "../../lib/connect/connect-tiktok";
import { pairFromAnswer, TikTokClient } from "../../lib/tiktok/api-client";
import { startConnectHarness, type ConnectHarness, type HarnessOptions, type Member } from "./connect-harness";

/**
 * The connect harness (throw-away database, env) plus a TikTok emulator on a random port, with TIKTOK_* pointing at
 * it. `connectTikTok(member, openId)` drives TikTok's consent page and code exchange over HTTP (as Auth.js does in
 * the browser flow), then runs the app's connectTikTok with the answer.
 */

export const TIKTOK_CLIENT_KEY = "harnessclientkey";
export const TIKTOK_CLIENT_SECRET = "harness-tiktok-secret-0123";
export const TIKTOK_REDIRECT_URI = "http://127.0.0.1:9/api/auth/callback/tiktok";

export interface TikTokHarness extends ConnectHarness {
  tiktokUrl: string;
  tiktok: TikTokEmulatorControl;
  /** Consent (person = open_id, scopes ticked as requested) → code → token answer → connectTikTok as the member. */
  connectTikTok(member: Pick<Member, "tenantId" | "userId">, openId: string): Promise<TikTokConnectResult>;
  /** Owner-side: pretend time passed for our side: the access token expires in `inSeconds`, last renewal 2 hours ago. */
  makeDue(tokenId: string, inSeconds?: number): Promise<void>;
}

export async function startTikTokHarness(opts: HarnessOptions = {}): Promise<TikTokHarness> {
  const emulator: RunningTikTokEmulator = await startTikTokEmulator({ clientKey: TIKTOK_CLIENT_KEY, clientSecret: TIKTOK_CLIENT_SECRET });
  let h: ConnectHarness;
  try {
    h = await startConnectHarness({
      ...opts,
      env: {
        TIKTOK_CLIENT_KEY,
        TIKTOK_CLIENT_SECRET,
        TIKTOK_AUTH_URL: emulator.url,
        TIKTOK_API_URL: emulator.url,
        TIKTOK_SCOPES: "user.info.basic,user.info.profile,video.upload,video.publish",
        ...opts.env,
      },
    });
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const control = new TikTokEmulatorControl(emulator.url);

  async function connect(member: Pick<Member, "tenantId" | "userId">, openId: string): Promise<TikTokConnectResult> {
    const form = new URLSearchParams({
      client_key: TIKTOK_CLIENT_KEY,
      redirect_uri: TIKTOK_REDIRECT_URI,
      state: "st",
      requested_scopes: "user.info.basic,user.info.profile,video.upload,video.publish",
      person: openId,
      decision: "approve",
    });
    for (const s of ["user.info.profile", "video.upload", "video.publish"]) form.append("scope", s);
    const decided = await fetch(`${emulator.url}/v2/auth/authorize/decide/`, { method: "POST", body: form, redirect: "manual" });
    const code = new URL(decided.headers.get("location") ?? "http://x/").searchParams.get("code");
    if (!code) throw new Error(`TikTok emulator consent answered ${decided.status}`);
    const res = await fetch(`${emulator.url}/v2/oauth/token/`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_key: TIKTOK_CLIENT_KEY,
        client_secret: TIKTOK_CLIENT_SECRET,
        grant_type: "authorization_code",
        code,
        redirect_uri: TIKTOK_REDIRECT_URI,
      }),
    });
    const pair = pairFromAnswer(await res.json());
    const profile = await new TikTokClient().userInfo(pair.accessToken);
    return connectTikTok({ tenantId: member.tenantId, userId: member.userId, pair, profile, accountId: null, client: h.db.app });
  }

  return {
    ...h,
    tiktokUrl: emulator.url,
    tiktok: control,
    connectTikTok: connect,
    async makeDue(tokenId, inSeconds = 300) {
      await h.db.owner.query(
        `UPDATE ad_tokens SET expires_at = now() + make_interval(secs => $2), last_refreshed_at = now() - interval '2 hours' WHERE id = $1`,
        [tokenId, inSeconds],
      );
    },
    async close() {
      await emulator.close().catch(() => {});
      await h.close();
    },
  };
}
