import "server-only";
import { env } from "../env";

export interface TikTokConfig {
  clientKey: string;
  clientSecret: string;
  /** e.g. https://www.tiktok.com (the consent page is at /v2/auth/authorize/). */
  authBase: string;
  /** e.g. https://open.tiktokapis.com (token, revoke, user info under /v2/). */
  apiBase: string;
  scopes: string[];
  timeoutMs: number;
}

const trim = (u: string) => u.replace(/\/+$/, "");

/** TikTok's settings, or null when TikTok is not configured (TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET unset). */
export function tiktokConfig(): TikTokConfig | null {
  const e = env();
  if (e.TIKTOK_CLIENT_KEY === undefined || e.TIKTOK_CLIENT_SECRET === undefined) return null;
  return {
    clientKey: e.TIKTOK_CLIENT_KEY,
    clientSecret: e.TIKTOK_CLIENT_SECRET,
    authBase: trim(e.TIKTOK_AUTH_URL),
    apiBase: trim(e.TIKTOK_API_URL),
    scopes: e.TIKTOK_SCOPES.split(","),
    timeoutMs: e.TIKTOK_TIMEOUT_MS,
  };
}

export function tiktokEnabled(): boolean {
  return tiktokConfig() !== null;
}

/** Refresh an access token this long before it expires. */
export const REFRESH_AHEAD_SECONDS = 15 * 60;
/** …and at least this often, so a refresh token never ages out unnoticed. */
export const REFRESH_AT_LEAST_EVERY_SECONDS = 24 * 3600;
/** Fields read from /v2/user/info/ (user.info.basic). */
export const USER_INFO_FIELDS = "open_id,union_id,avatar_url,display_name";
