import "server-only";
import { z } from "zod";
import { tiktokConfig, USER_INFO_FIELDS, type TikTokConfig } from "./config";
import { pathOnly, withSpan } from "../telemetry/span";

/**
 * TikTok's OAuth and user-info endpoints over fetch, with a time limit. Errors carry TikTok's code and
 * description, never a token or a URL with one.
 */

export class TikTokApiError extends Error {
  constructor(
    message: string,
    readonly info: {
      status: number;
      /** OAuth `error` (invalid_grant…) or API `error.code` (access_token_invalid…). */
      code: string;
      logId?: string;
      transport?: "timeout" | "network" | "malformed";
    },
  ) {
    super(message);
    this.name = "TikTokApiError";
  }

  /** The refresh token (or grant) is dead: reconnecting is the only way back. */
  get isDeadGrant(): boolean {
    return this.info.code === "invalid_grant";
  }
  get isInvalidToken(): boolean {
    return this.info.code === "access_token_invalid";
  }
  get isRateLimit(): boolean {
    return this.info.status === 429 || this.info.code === "rate_limit_exceeded";
  }
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  open_id: z.string().min(1),
  refresh_token: z.string().min(1),
  refresh_expires_in: z.number().int().positive(),
  scope: z.string().default(""),
  token_type: z.string().optional(),
});

export interface TikTokTokenPair {
  accessToken: string;
  refreshToken: string;
  /** Absolute expiries computed from expires_in / refresh_expires_in of this answer (never a constant). */
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  openId: string;
  scopes: string[];
}

export function pairFromAnswer(raw: unknown, now = new Date()): TikTokTokenPair {
  const a = tokenAnswer.parse(raw);
  return {
    accessToken: a.access_token,
    refreshToken: a.refresh_token,
    accessExpiresAt: new Date(now.getTime() + a.expires_in * 1000),
    refreshExpiresAt: new Date(now.getTime() + a.refresh_expires_in * 1000),
    openId: a.open_id,
    scopes: a.scope.split(",").filter((s) => s !== ""),
  };
}

const oauthError = z.object({ error: z.string(), error_description: z.string().optional(), log_id: z.string().optional() });
const apiEnvelope = z.object({
  data: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.string(), message: z.string().optional(), log_id: z.string().optional() }),
});

export interface TikTokUser {
  openId: string;
  displayName: string | null;
  avatarUrl: string | null;
}

export class TikTokClient {
  readonly config: TikTokConfig;

  constructor(config?: TikTokConfig) {
    const c = config ?? tiktokConfig();
    if (c === null) throw new Error("TikTok is not configured: set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET.");
    this.config = c;
  }

  /** One span per TikTok request: method, host and path only (the form body and headers carry the credentials). */
  private request(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    const method = init.method ?? "GET";
    return withSpan(
      `tiktok.api ${method}`,
      { "http.request.method": method, "server.address": new URL(this.config.apiBase).host, "url.path": pathOnly(path) },
      async (span) => {
        try {
          const answer = await this.send(path, init);
          span.set({ "http.response.status_code": answer.status });
          return answer;
        } catch (err) {
          if (err instanceof TikTokApiError) span.set({ "tiktok.error.code": err.info.code });
          throw err;
        }
      },
    );
  }

  private async send(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.config.apiBase}${path}`, { ...init, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new TikTokApiError(timeout ? "TikTok did not answer in time." : "TikTok could not be reached.", {
        status: 0,
        code: timeout ? "timeout" : "network",
        transport: timeout ? "timeout" : "network",
      });
    }
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new TikTokApiError(`TikTok answered HTTP ${res.status} without JSON.`, {
        status: res.status,
        code: "malformed",
        transport: "malformed",
      });
    }
  }

  private async oauth(path: string, form: Record<string, string>): Promise<unknown> {
    const { status, body } = await this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache" },
      body: new URLSearchParams({ client_key: this.config.clientKey, client_secret: this.config.clientSecret, ...form }).toString(),
    });
    const err = oauthError.safeParse(body);
    if (err.success) {
      throw new TikTokApiError(`TikTok refused: ${err.data.error}${err.data.error_description ? ` (${err.data.error_description})` : ""}`, {
        status,
        code: err.data.error,
        logId: err.data.log_id,
      });
    }
    if (status < 200 || status >= 300) throw new TikTokApiError(`TikTok answered HTTP ${status}.`, { status, code: "http_error" });
    return body;
  }

  /** Spends `refreshToken` and returns the new pair (TikTok rotates: the old refresh token stops working). */
  async refresh(refreshToken: string, now = new Date()): Promise<TikTokTokenPair> {
    const body = await this.oauth("/v2/oauth/token/", { grant_type: "refresh_token", refresh_token: refreshToken });
    try {
      return pairFromAnswer(body, now);
    } catch {
      throw new TikTokApiError("TikTok's token answer was not in the expected shape.", {
        status: 200,
        code: "malformed",
        transport: "malformed",
      });
    }
  }

  /** Deauthorizes the app for that TikTok account (every token of it stops working). */
  async revoke(accessToken: string): Promise<void> {
    await this.oauth("/v2/oauth/revoke/", { token: accessToken });
  }

  async userInfo(accessToken: string): Promise<TikTokUser> {
    const { status, body } = await this.request(`/v2/user/info/?fields=${USER_INFO_FIELDS}`, {
      method: "GET",
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    const parsed = apiEnvelope.safeParse(body);
    if (!parsed.success)
      throw new TikTokApiError(`TikTok answered HTTP ${status} in an unexpected shape.`, {
        status,
        code: "malformed",
        transport: "malformed",
      });
    if (parsed.data.error.code !== "ok" || status !== 200) {
      throw new TikTokApiError(
        `TikTok refused: ${parsed.data.error.code}${parsed.data.error.message ? ` (${parsed.data.error.message})` : ""}`,
        {
          status,
          code: parsed.data.error.code,
          logId: parsed.data.error.log_id,
        },
      );
    }
    const user = z
      .object({ open_id: z.string(), display_name: z.string().optional(), avatar_url: z.string().optional() })
      .safeParse(parsed.data.data?.["user"]);
    if (!user.success)
      throw new TikTokApiError("TikTok's user answer was not in the expected shape.", {
        status,
        code: "malformed",
        transport: "malformed",
      });
    return { openId: user.data.open_id, displayName: user.data.display_name ?? null, avatarUrl: user.data.avatar_url ?? null };
  }
}
