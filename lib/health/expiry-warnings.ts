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
export const PAGE_NAMES_SHOWN = 5;

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

/** The SQL condition selecting tokens that may warrant a warning (kept beside effectiveKind, which decides). */
export function warningHorizon(now: Date, warningDays: number): Date {
  return new Date(now.getTime() + warningDays * DAY_MS);
}

/** Per identity, what the banner needs (identityWarningsJsonSql's JSON). */
export interface IdentityWarningJson {
  socialIdentityId: string;
  identityName: string | null;
  /** Its active user tokens that may warrant a warning (effectiveKind decides). */
  userTokens: { status: TokenStatus; expiresAt: string | null; dataAccessExpiresAt: string | null }[];
  /** Its active Page tokens per problem status (counters the ad_tokens trigger keeps, migration 20261129190100). */
  counts: { revoked: number; expired: number; invalid: number; dataAccessExpiring: number; dataAccessExpired: number };
  /** Page tokens whose expiry passed since their last check (effectively expired), and how many of them sit in each
   * data-access status (counted there by status). */
  timeExpired: { total: number; dataAccessExpiring: number; dataAccessExpired: number };
  /** "Data access expiring" Page tokens whose data access lapsed since their last check (effectively expired). */
  dataAccessLapsed: number;
  /** The earliest data-access expiry among its data-access Page tokens. */
  pagesDataAccessExpiresAt: string | null;
  /** Its first PAGE_NAMES_SHOWN problem Pages, in token id order. */
  pageNames: string[];
}

/**
 * The banner's per-identity figures for the tenant in context, as a JSON array: one row per identity of the
 * workspace, each read through indexes (its user token; its problem Page tokens' counters; its first five problem
 * Pages; the few tokens whose time ran out since their last check). Cost follows the identities, not the tokens.
 * Page tokens count as effectiveKind would rank them: the status, except an expiry or a data-access expiry that
 * passed since the last check. The statement is the identity_warnings_json SQL function (migration
 * 20261130000600): planning it took several times longer than running it, and a function reuses its plan.
 */
export function identityWarningsJsonSql(now: Date, warningDays: number): Prisma.Sql {
  // The SQL lives in the identity_warnings_json function (migration 20261130000600), for its cached plan.
  return Prisma.sql`identity_warnings_json(${now}::timestamptz, ${warningHorizon(now, warningDays)}::timestamptz, ${PAGE_NAMES_SHOWN}::int)`;
}

const earlierOf = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b);

/** The warnings from identityWarningsJsonSql's rows, worst problem first. Pure. */
export function warningsFromIdentities(rows: readonly IdentityWarningJson[], now: Date, warningDays: number): ExpiryWarning[] {
  const warnings: ExpiryWarning[] = [];
  for (const r of rows) {
    const te = r.timeExpired;
    // Page tokens per kind, as effectiveKind ranks them.
    const pageKinds: [WarningKind, number][] = [
      ["revoked", r.counts.revoked],
      ["invalid", r.counts.invalid],
      ["expired", r.counts.expired + te.total],
      ["data_access_expired", r.counts.dataAccessExpired - te.dataAccessExpired + r.dataAccessLapsed],
      ["data_access_expiring", r.counts.dataAccessExpiring - te.dataAccessExpiring - r.dataAccessLapsed],
    ];
    let kind: WarningKind | null = null;
    let pagesAffected = 0;
    for (const [k, n] of pageKinds) {
      if (n <= 0) continue;
      pagesAffected += n;
      if (!kind || RANK[k] > RANK[kind]) kind = k;
    }
    const pageDataAccess =
      pageKinds.some(([k, n]) => n > 0 && (k === "data_access_expiring" || k === "data_access_expired")) && r.pagesDataAccessExpiresAt
        ? new Date(r.pagesDataAccessExpiresAt)
        : null;
    let dataAccessExpiresAt = pageDataAccess;
    let userTokenAffected = false;
    let userTokenExpiresAt: Date | null = null;
    for (const u of r.userTokens) {
      const expiresAt = u.expiresAt ? new Date(u.expiresAt) : null;
      const da = u.dataAccessExpiresAt ? new Date(u.dataAccessExpiresAt) : null;
      const k = effectiveKind({ status: u.status, tokenType: "user", expiresAt, dataAccessExpiresAt: da }, now, warningDays);
      if (!k) continue;
      if (!kind || RANK[k] > RANK[kind]) kind = k;
      if (da && (k === "data_access_expiring" || k === "data_access_expired")) dataAccessExpiresAt = earlierOf(dataAccessExpiresAt, da);
      userTokenAffected = true;
      userTokenExpiresAt = expiresAt;
    }
    if (!kind) continue;
    warnings.push({
      socialIdentityId: r.socialIdentityId,
      identityName: r.identityName,
      kind,
      userTokenExpiresAt,
      dataAccessExpiresAt,
      userTokenAffected,
      pageNames: pagesAffected > 0 ? r.pageNames.slice(0, PAGE_NAMES_SHOWN) : [],
      pagesAffected,
    });
  }
  return warnings.sort((a, b) => RANK[b.kind] - RANK[a.kind] || (a.identityName ?? "").localeCompare(b.identityName ?? ""));
}

/** Runs in the caller's tenant transaction. */
export async function loadExpiryWarnings(tx: Tx, opts: { now?: Date; warningDays?: number } = {}): Promise<ExpiryWarnings> {
  const now = opts.now ?? new Date();
  const warningDays = opts.warningDays ?? env().TOKEN_EXPIRY_WARNING_DAYS;
  const [row] = await tx.$queryRaw<
    { identities: IdentityWarningJson[] }[]
  >`SELECT ${identityWarningsJsonSql(now, warningDays)} AS identities`;
  return { warnings: warningsFromIdentities(row?.identities ?? [], now, warningDays), warningDays, now };
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/**
 * One sentence for a person, e.g. "Alice Admin's Facebook connection expires in 3 days, on Dec 12, 2026." The Pages
 * concerned are the sentence's one parenthesis (never two side by side, as "(password change…) (Gamma Gym)" was).
 */
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
      return `${who} expires ${when}, on ${dateFormat.format(at)}${pages}.`;
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
      return `${owner} 90-day Facebook data access expires ${when}${at ? `, on ${dateFormat.format(at)}` : ""}${pages}: re-approve to keep reading data.`;
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
