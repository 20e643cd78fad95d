import "server-only";
import { Prisma } from "../db/generated/client";
import type { TokenStatus, TokenType } from "../db/generated/enums";
import type { Tx } from "../db/tenant-transaction";
import { DAY_MS, daysUntil } from "../time";
import { env } from "../env";

/**
 * What the dashboard's expiry banner shows for a tenant: per Facebook identity, the worst problem among its active
 * tokens — user token expiring within TOKEN_EXPIRY_WARNING_DAYS, or tokens revoked / expired / invalid (which only
 * a reconnect fixes). Computed from expires_at as well as the last check's status, so a token whose expiry passed
 * since its last check already shows as expired. Identity and Page names only; never a token.
 */

export type WarningKind =
  "user_token_replaced" | "expiring" | "data_access_expiring" | "data_access_expired" | "expired" | "revoked" | "invalid";

export interface ExpiryWarning {
  socialIdentityId: string;
  identityName: string | null;
  /** The worst problem of this identity's tokens. */
  kind: WarningKind;
  /** The user token's expiry (for "expiring" and "expired"), when known. */
  userTokenExpiresAt: Date | null;
  /** The earliest data-access expiry among the affected tokens (for the data_access_* kinds). */
  dataAccessExpiresAt: Date | null;
  userTokenAffected: boolean;
  /** Pages whose token has a problem (first few names, and how many in all). */
  pageNames: string[];
  pagesAffected: number;
  /** For "user_token_replaced": the login whose connect replaced this login's user token. */
  replacedByName?: string | null;
}

export interface ExpiryWarnings {
  warnings: ExpiryWarning[];
  warningDays: number;
  /** The time the warnings were computed for. */
  now: Date;
}

const RANK: Record<WarningKind, number> = {
  user_token_replaced: 0,
  data_access_expiring: 1,
  expiring: 2,
  data_access_expired: 3,
  invalid: 4,
  expired: 5,
  revoked: 6,
};
const PAGE_NAMES_SHOWN = 5;
const MAX_ROWS = 2_000;

export function effectiveKind(
  t: { status: TokenStatus; tokenType: TokenType; expiresAt: Date | null; dataAccessExpiresAt?: Date | null },
  now: Date,
  warningDays: number,
): WarningKind | null {
  if (t.status === "revoked" || t.status === "expired" || t.status === "invalid") return t.status;
  if (t.expiresAt && t.expiresAt <= now) return "expired";
  const dataAccess = t.dataAccessExpiresAt ?? null;
  if (t.status === "data_access_expired" || (dataAccess && dataAccess <= now)) return "data_access_expired";
  if (t.tokenType === "user" && t.expiresAt && t.expiresAt.getTime() - now.getTime() <= warningDays * DAY_MS) return "expiring";
  if (t.tokenType === "user" && t.status === "expiring") return "expiring";
  if (t.status === "data_access_expiring" || (dataAccess && dataAccess.getTime() - now.getTime() <= warningDays * DAY_MS)) {
    return "data_access_expiring";
  }
  return null;
}

/** A token with a possible problem, as the warnings need it (no secret: status, dates, names). */
export interface WarningToken {
  status: TokenStatus;
  tokenType: TokenType;
  expiresAt: Date | null;
  dataAccessExpiresAt?: Date | null;
  socialIdentityId: string;
  identityName: string | null;
  pageName: string | null;
}

/** The SQL condition selecting tokens that may warrant a warning (kept beside effectiveKind, which decides). */
export function warningHorizon(now: Date, warningDays: number): Date {
  return new Date(now.getTime() + warningDays * DAY_MS);
}

/** Groups problem tokens per identity, worst problem first. Pure: the dashboard feeds it from its own statement. */
export function groupWarnings(tokens: WarningToken[], now: Date, warningDays: number): ExpiryWarning[] {
  const byIdentity = new Map<string, ExpiryWarning>();
  for (const t of tokens) {
    const kind = effectiveKind(t, now, warningDays);
    if (!kind) continue;
    const w = byIdentity.get(t.socialIdentityId) ?? {
      socialIdentityId: t.socialIdentityId,
      identityName: t.identityName,
      kind,
      userTokenExpiresAt: null,
      dataAccessExpiresAt: null,
      userTokenAffected: false,
      pageNames: [],
      pagesAffected: 0,
    };
    if (RANK[kind] > RANK[w.kind]) w.kind = kind;
    const da = t.dataAccessExpiresAt ?? null;
    if (
      da &&
      (kind === "data_access_expiring" || kind === "data_access_expired") &&
      (!w.dataAccessExpiresAt || da < w.dataAccessExpiresAt)
    ) {
      w.dataAccessExpiresAt = da;
    }
    if (t.tokenType === "user") {
      w.userTokenAffected = true;
      w.userTokenExpiresAt = t.expiresAt;
    } else {
      w.pagesAffected++;
      if (t.pageName && w.pageNames.length < PAGE_NAMES_SHOWN) w.pageNames.push(t.pageName);
    }
    byIdentity.set(t.socialIdentityId, w);
  }
  return [...byIdentity.values()].sort((a, b) => RANK[b.kind] - RANK[a.kind] || (a.identityName ?? "").localeCompare(b.identityName ?? ""));
}

/**
 * The tokens that may warrant a warning, as JSON (a json array, never null) for the tenant in context: one
 * sub-select, read through the partial index ad_tokens_warning_candidates (problem statuses or an expiry at all), so
 * its cost follows the problem tokens (at most MAX_WARNING_TOKENS), not the workspace. The dashboard embeds it in
 * its identities statement; loadExpiryWarnings runs it alone. effectiveKind decides on each row.
 */
export function warningTokensJsonSql(now: Date, warningDays: number): Prisma.Sql {
  const horizon = warningHorizon(now, warningDays);
  // Exactly the rows effectiveKind gives a kind (a Page token's own "expiring" status is no warning). Page names
  // are looked up only for the first PAGE_NAMES_SHOWN Page tokens of each identity: the banner shows no more.
  return Prisma.sql`COALESCE((
    SELECT json_agg(json_build_object(
             'status', w.status, 'tokenType', w.token_type, 'expiresAt', w.expires_at, 'dataAccessExpiresAt', w.data_access_expires_at,
             'socialIdentityId', w.social_identity_id, 'identityName', s.name,
             'pageName', CASE WHEN w.token_type = 'page' AND w.nth <= ${PAGE_NAMES_SHOWN}
                              THEN (SELECT p.name FROM facebook_pages p WHERE p.id = w.facebook_page_id) END)
             ORDER BY w.social_identity_id, w.id)
    FROM (
      SELECT c.*, row_number() OVER (PARTITION BY c.social_identity_id, c.token_type ORDER BY c.id) AS nth
      FROM (
        SELECT t.id, t.status, t.token_type, e.expires_at, t.data_access_expires_at, t.social_identity_id, t.facebook_page_id
        FROM ad_tokens t
        -- A TikTok connection lives as long as its refresh token (its access token is renewed every ~2 hours).
        CROSS JOIN LATERAL (SELECT CASE WHEN t.platform = 'tiktok' THEN t.refresh_expires_at ELSE t.expires_at END AS expires_at) e
        WHERE t.deleted_at IS NULL
          -- The 90-day data-access window is read from the status the checks keep (data_access_*), so this stays on
          -- the partial index of problem tokens.
          AND (t.status IN ('expired', 'revoked', 'invalid', 'expiring', 'data_access_expiring', 'data_access_expired') OR t.expires_at IS NOT NULL)
          AND (t.status IN ('expired', 'revoked', 'invalid', 'data_access_expiring', 'data_access_expired')
               OR (t.status = 'expiring' AND t.token_type = 'user')
               OR e.expires_at <= ${now}
               OR (t.token_type = 'user' AND e.expires_at <= ${horizon}))
        ORDER BY t.tenant_id, t.social_identity_id, t.id
        LIMIT ${MAX_ROWS}
      ) c
    ) w
    JOIN social_identities s ON s.id = w.social_identity_id
  ), '[]'::json)`;
}

/** The JSON rows of warningTokensJsonSql as WarningTokens. */
export interface WarningTokenJson extends Omit<WarningToken, "expiresAt"> {
  expiresAt: string | null;
}

export function warningTokensFromJson(rows: readonly WarningTokenJson[]): WarningToken[] {
  return rows.map((t) => ({
    ...t,
    expiresAt: t.expiresAt ? new Date(t.expiresAt) : null,
    dataAccessExpiresAt: t.dataAccessExpiresAt ? new Date(t.dataAccessExpiresAt) : null,
  }));
}

/** Runs in the caller's tenant transaction. */
export async function loadExpiryWarnings(tx: Tx, opts: { now?: Date; warningDays?: number } = {}): Promise<ExpiryWarnings> {
  const now = opts.now ?? new Date();
  const warningDays = opts.warningDays ?? env().TOKEN_EXPIRY_WARNING_DAYS;
  const [row] = await tx.$queryRaw<{ tokens: WarningTokenJson[] }[]>`SELECT ${warningTokensJsonSql(now, warningDays)} AS tokens`;
  return { warnings: groupWarnings(warningTokensFromJson(row?.tokens ?? []), now, warningDays), warningDays, now };
}

export const MAX_WARNING_TOKENS = MAX_ROWS;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** One sentence for a person, e.g. "Alice Admin's Facebook connection expires in 3 days (12 Dec 2026)." */
export function describeWarning(w: ExpiryWarning, now: Date): string {
  const who = w.identityName ? `${w.identityName}'s Facebook connection` : "A Facebook connection";
  const pages =
    w.pagesAffected === 0
      ? ""
      : ` (${w.pageNames.join(", ")}${w.pagesAffected > w.pageNames.length ? ` and ${w.pagesAffected - w.pageNames.length} more` : ""})`;
  switch (w.kind) {
    case "expiring": {
      const at = w.userTokenExpiresAt;
      if (!at) return `${who} expires soon${pages}.`;
      const days = daysUntil(at.getTime(), now.getTime());
      const when = days <= 1 ? "within a day" : `in ${days} days`;
      return `${who} expires ${when} (${dateFormat.format(at)})${pages}.`;
    }
    case "expired":
      return `${who} has expired${pages}.`;
    case "revoked":
      return `${who} was revoked on Facebook${pages}: a password change, a logout or the app removed.`;
    case "invalid":
      return `Facebook no longer accepts ${w.identityName ? `${w.identityName}'s connection` : "a connection"}${pages}.`;
    case "data_access_expiring": {
      const owner = w.identityName ? `${w.identityName}'s` : "A Facebook account's";
      const at = w.dataAccessExpiresAt;
      const days = at ? Math.max(0, Math.ceil((at.getTime() - now.getTime()) / DAY_MS)) : null;
      const when = days === null ? "soon" : days <= 1 ? "within a day" : `in ${days} days`;
      return `${owner} 90-day Facebook data access expires ${when}${at ? ` (${dateFormat.format(at)})` : ""}${pages}: re-approve to keep reading data.`;
    }
    case "user_token_replaced": {
      const owner = w.identityName ?? "A Facebook login";
      const by = w.replacedByName ? `${w.replacedByName}'s login` : "another login";
      return `${owner}'s user token was replaced when ${by} was connected; its ${w.pagesAffected} Page${w.pagesAffected === 1 ? "" : "s"} keep working on their Page tokens. Reconnect as ${owner} to renew it.`;
    }
    case "data_access_expired": {
      const owner = w.identityName ? `${w.identityName}'s` : "A Facebook account's";
      return `${owner} 90-day Facebook data access has expired${pages}: the connection is valid but reads no data until re-approved.`;
    }
  }
}
