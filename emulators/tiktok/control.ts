/** /__control: test and demo controls of the TikTok emulator (JSON, no auth). See README.md. */
import { isRecord } from "../facebook/http-util.js";
import type { TikTokContext } from "./server.js";
import { revokeAccount } from "./server.js";
import { emptyStats, type TikTokPerson } from "./state.js";

export interface ControlResult {
  status: number;
  body: unknown;
}

const ok = (body: unknown = { ok: true }): ControlResult => ({ status: 200, body });
const bad = (status: number, error: string): ControlResult => ({ status, body: { error } });

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function tokenSummaries(ctx: TikTokContext, openId: string | null) {
  const now = ctx.state.nowMs();
  const access = [...ctx.state.access.values()]
    .filter((a) => openId === null || a.openId === openId)
    .map((a) => ({
      token: a.token,
      openId: a.openId,
      scopes: a.scopes,
      expiresAtMs: a.expiresAtMs,
      revoked: a.revoked,
      valid: !a.revoked && a.expiresAtMs > now,
    }));
  const refresh = [...ctx.state.refresh.values()]
    .filter((r) => openId === null || r.openId === openId)
    .map((r) => ({
      token: r.token,
      openId: r.openId,
      accessToken: r.accessToken,
      expiresAtMs: r.expiresAtMs,
      revoked: r.revoked,
      rotated: r.rotatedTo !== undefined,
      spends: ctx.state.spends.get(r.token) ?? 0,
      valid: !r.revoked && r.rotatedTo === undefined && r.expiresAtMs > now,
    }));
  return { access, refresh };
}

export function handleControl(
  ctx: TikTokContext,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
): ControlResult {
  const s = ctx.state;
  const route = `${method} ${path.replace(/\/+$/, "") || "/"}`;
  switch (route) {
    case "POST /reset":
      s.reset();
      Object.assign(ctx.config, ctx.initialConfig);
      return ok();
    case "GET /stats": {
      const spends = [...s.spends.values()];
      return ok({ ...s.stats, refreshTokensSpent: spends.length, maxSpendsPerToken: spends.reduce((m, n) => Math.max(m, n), 0) });
    }
    case "POST /stats/reset":
      s.stats = emptyStats();
      s.spends.clear();
      return ok();
    case "POST /clock": {
      const advance = num(body["advanceSeconds"]);
      if (advance === undefined) return bad(400, "advanceSeconds (number) is required");
      s.offsetMs += advance * 1000;
      return ok({ nowMs: s.nowMs(), offsetMs: s.offsetMs });
    }
    case "GET /clock":
      return ok({ nowMs: s.nowMs(), offsetMs: s.offsetMs });
    case "POST /config": {
      const c = ctx.config;
      c.accessTtlSeconds = num(body["accessTtlSeconds"]) ?? c.accessTtlSeconds;
      c.refreshTtlSeconds = num(body["refreshTtlSeconds"]) ?? c.refreshTtlSeconds;
      c.rateLimitPerMinute = num(body["rateLimitPerMinute"]) ?? c.rateLimitPerMinute;
      return ok({ accessTtlSeconds: c.accessTtlSeconds, refreshTtlSeconds: c.refreshTtlSeconds, rateLimitPerMinute: c.rateLimitPerMinute });
    }
    case "POST /tokens/expire": {
      const token = str(body["token"]);
      const rec = token === undefined ? undefined : (s.access.get(token) ?? s.refresh.get(token));
      if (rec === undefined) return bad(404, "unknown token");
      rec.expiresAtMs = s.nowMs() - 1000;
      return ok();
    }
    case "POST /tokens/revoke": {
      const token = str(body["token"]);
      const openId = str(body["openId"]) ?? (token === undefined ? undefined : (s.access.get(token) ?? s.refresh.get(token))?.openId);
      if (openId === undefined) return bad(404, "unknown token or openId");
      return ok({ ok: true, revoked: revokeAccount(ctx, openId) });
    }
    case "GET /tokens":
      return ok(tokenSummaries(ctx, query.get("openId")));
    case "POST /tokens/mint": {
      // Pairs without the consent page (bench, tests): as if each person had authorized the app.
      const count = num(body["count"]) ?? 1;
      const scopes = Array.isArray(body["scopes"]) ? body["scopes"].filter((x): x is string => typeof x === "string") : ["user.info.basic"];
      const openId = str(body["openId"]);
      const pairs = [];
      for (let i = 0; i < count; i++) {
        const person = openId === undefined ? s.addPerson() : s.people.get(openId);
        if (person === undefined) return bad(404, "unknown openId");
        const { access, refresh } = s.issuePair(person.openId, scopes, ctx.config.accessTtlSeconds, ctx.config.refreshTtlSeconds);
        pairs.push({
          openId: person.openId,
          displayName: person.displayName,
          accessToken: access.token,
          refreshToken: refresh.token,
          expiresIn: ctx.config.accessTtlSeconds,
          refreshExpiresIn: ctx.config.refreshTtlSeconds,
          scope: scopes.join(","),
        });
      }
      return ok({ pairs });
    }
    case "POST /fail-next": {
      const path = str(body["path"]);
      const error = str(body["error"]);
      if (path === undefined || error === undefined) return bad(400, "path and error are required");
      const rule = s.addRule({
        path,
        grantType: str(body["grantType"]),
        openId: str(body["openId"]),
        remaining: num(body["times"]) ?? 1,
        status: num(body["status"]) ?? 400,
        error,
        description: str(body["description"]) ?? `Emulated failure: ${error}`,
        delayMs: num(body["delayMs"]) ?? 0,
      });
      return ok({ ok: true, id: rule.id });
    }
    case "GET /fail-next":
      return ok({ rules: s.rules });
    case "DELETE /fail-next":
      s.rules = [];
      return ok();
    case "GET /people":
      return ok({ people: [...s.people.values()] });
    case "POST /people": {
      const input: Partial<TikTokPerson> = {};
      if (str(body["displayName"]) !== undefined) input.displayName = str(body["displayName"]);
      if (str(body["openId"]) !== undefined) input.openId = str(body["openId"]);
      if (str(body["username"]) !== undefined) input.username = str(body["username"]);
      return ok({ person: s.addPerson(input) });
    }
    default:
      if (!isRecord(body)) return bad(400, "body must be a JSON object");
      return bad(404, `no control endpoint ${route}`);
  }
}
