import "server-only";
import { customFetch } from "next-auth";
import type TikTokFactory from "next-auth/providers/tiktok";
import { TikTokClient } from "../tiktok/api-client";
import { tiktokConfig, USER_INFO_FIELDS } from "../tiktok/config";

/**
 * Auth.js's TikTok provider pointed at configurable hosts (TIKTOK_AUTH_URL / TIKTOK_API_URL, the emulator locally),
 * with `state` and PKCE (TikTok documents PKCE for mobile/desktop; a verifier on web is harmless), the scopes from
 * TIKTOK_SCOPES, and time limits on every TikTok call. Empty when TikTok is not configured.
 */
export function tiktokProvider(TikTok: typeof TikTokFactory) {
  const tt = tiktokConfig();
  if (tt === null) return [];
  const client = new TikTokClient(tt);
  return [
    TikTok({
      clientId: tt.clientKey,
      clientSecret: tt.clientSecret,
      // An object, not a string: a string replaces the default params and drops the scope and client_key.
      authorization: { url: `${tt.authBase}/v2/auth/authorize/`, params: { client_key: tt.clientKey, scope: tt.scopes.join(",") } },
      token: `${tt.apiBase}/v2/oauth/token/`,
      userinfo: {
        url: `${tt.apiBase}/v2/user/info/?fields=${USER_INFO_FIELDS}`,
        async request({ tokens }: { tokens: { access_token?: string } }) {
          const user = await client.userInfo(tokens.access_token ?? "");
          return { data: { user: { open_id: user.openId, display_name: user.displayName, avatar_url: user.avatarUrl } } };
        },
      },
      checks: ["pkce", "state"],
      // The provider's own fetch adds client_key to the token request (TikTok's name for client_id); ours does the
      // same and gives up after TIKTOK_TIMEOUT_MS, so a TikTok that never answers cannot hold the callback open.
      [customFetch]: async (input: RequestInfo | URL, init?: RequestInit) => {
        const timeout = AbortSignal.timeout(tt.timeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        const url = new URL(input instanceof Request ? input.url : input.toString());
        if (!url.pathname.endsWith("/oauth/token/")) return fetch(input, { ...init, signal });
        const body = new URLSearchParams(typeof init?.body === "string" || init?.body instanceof URLSearchParams ? init.body : undefined);
        if (!body.has("client_key")) body.append("client_key", tt.clientKey);
        const headers = new Headers(init?.headers);
        headers.set("content-type", "application/x-www-form-urlencoded");
        return fetch(url, { ...init, headers, body: body.toString(), signal });
      },
    }),
  ];
}
