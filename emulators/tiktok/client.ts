/** Typed helper for tests, the demo and the bench: drives the TikTok emulator's /__control API with global fetch. */
import type { TikTokPerson, TikTokStats } from "./state.js";

export type { TikTokPerson, TikTokStats };

export interface TikTokStatsAnswer extends TikTokStats {
  /** Refresh tokens spent at least once. */
  refreshTokensSpent: number;
  /** The most times any one refresh token was spent (1 = rotation held; it can never be more than 1). */
  maxSpendsPerToken: number;
}

export interface AccessSummary {
  token: string;
  openId: string;
  scopes: string[];
  expiresAtMs: number;
  revoked: boolean;
  valid: boolean;
}

export interface RefreshSummary {
  token: string;
  openId: string;
  accessToken: string;
  expiresAtMs: number;
  revoked: boolean;
  rotated: boolean;
  spends: number;
  valid: boolean;
}

export interface MintedPair {
  openId: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
  scope: string;
}

export interface FailNextOptions {
  /** "/v2/oauth/token/", "/v2/oauth/revoke/" or "/v2/user/info/". */
  path: string;
  /** OAuth error (token/revoke) or API error code (user info), e.g. "invalid_grant", "rate_limit_exceeded". */
  error: string;
  status?: number;
  description?: string;
  times?: number;
  grantType?: string;
  openId?: string;
  delayMs?: number;
}

export class TikTokEmulatorControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__control${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`TikTok emulator ${method} ${path}: HTTP ${res.status} ${json.error ?? ""}`);
    return json;
  }

  reset = () => this.call<{ ok: true }>("POST", "/reset");
  stats = () => this.call<TikTokStatsAnswer>("GET", "/stats");
  resetStats = () => this.call<{ ok: true }>("POST", "/stats/reset");
  advanceClock = (seconds: number) => this.call<{ nowMs: number; offsetMs: number }>("POST", "/clock", { advanceSeconds: seconds });
  configure = (c: { accessTtlSeconds?: number; refreshTtlSeconds?: number; rateLimitPerMinute?: number }) =>
    this.call<{ accessTtlSeconds: number; refreshTtlSeconds: number; rateLimitPerMinute: number }>("POST", "/config", c);
  expire = (token: string) => this.call<{ ok: true }>("POST", "/tokens/expire", { token });
  revoke = (input: { token?: string; openId?: string }) => this.call<{ ok: true; revoked: number }>("POST", "/tokens/revoke", input);
  tokens = (openId?: string) =>
    this.call<{ access: AccessSummary[]; refresh: RefreshSummary[] }>(
      "GET",
      `/tokens${openId ? `?openId=${encodeURIComponent(openId)}` : ""}`,
    );
  mint = (input: { count: number; openId?: string; scopes?: string[] }) =>
    this.call<{ pairs: MintedPair[] }>("POST", "/tokens/mint", input);
  failNext = (opts: FailNextOptions) => this.call<{ ok: true; id: number }>("POST", "/fail-next", opts);
  clearFailures = () => this.call<{ ok: true }>("DELETE", "/fail-next");
  people = () => this.call<{ people: TikTokPerson[] }>("GET", "/people");
  addPerson = (input: { displayName?: string; openId?: string; username?: string } = {}) =>
    this.call<{ person: TikTokPerson }>("POST", "/people", input);
}
