/** In-memory state of the TikTok emulator: people, codes, access and refresh tokens, clock, failure rules, stats. */
import { randomBytes } from "node:crypto";

export interface TikTokPerson {
  openId: string;
  unionId: string;
  displayName: string;
  username: string;
  bio: string;
  isVerified: boolean;
  followerCount: number;
  followingCount: number;
  likesCount: number;
  videoCount: number;
}

export interface CodeRecord {
  code: string;
  clientKey: string;
  redirectUri: string;
  openId: string;
  scopes: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  expiresAtMs: number;
  used: boolean;
}

/** An access token as issued. */
export interface AccessRecord {
  token: string;
  openId: string;
  scopes: string[];
  expiresAtMs: number;
  revoked: boolean;
  issuedAtMs: number;
}

/** A refresh token: what an access token records, plus its rotation. */
export interface RefreshRecord extends AccessRecord {
  /** Set when this refresh token was spent: the refresh token issued in its place, and when. */
  rotatedTo: string | undefined;
  rotatedAtMs: number | undefined;
  /** The access token issued together with this refresh token. */
  accessToken: string;
}

export interface FailRule {
  id: number;
  /** e.g. "/v2/oauth/token/", "/v2/user/info/" (trailing slash optional). */
  path: string;
  grantType: string | undefined;
  openId: string | undefined;
  remaining: number;
  status: number;
  /** OAuth error code (token/revoke endpoints) or API error code (user info). */
  error: string;
  description: string;
  /** Hold the request this long before answering (a slow TikTok); 0 = answer at once. */
  delayMs: number;
}

export interface TikTokStats {
  requests: number;
  byPath: Record<string, number>;
  /** Successful authorization_code exchanges. */
  codeExchanges: number;
  /** Successful refresh_token grants (each spends one refresh token). */
  refreshes: number;
  /** refresh_token grants refused (any reason). */
  refreshRefusals: number;
  /** Presentations of a refresh token that had already been spent (rotated away). 0 = no token was spent twice. */
  refreshReuses: number;
  revokes: number;
  userInfoCalls: number;
  rateLimited: number;
}

export const SEED_PEOPLE: readonly TikTokPerson[] = [
  {
    openId: "tt-open-0001",
    unionId: "tt-union-0001",
    displayName: "Tara Tok",
    username: "taratok",
    bio: "Bakery videos",
    isVerified: true,
    followerCount: 12_400,
    followingCount: 180,
    likesCount: 98_000,
    videoCount: 211,
  },
  {
    openId: "tt-open-0002",
    unionId: "tt-union-0002",
    displayName: "Theo Trend",
    username: "theotrend",
    bio: "",
    isVerified: false,
    followerCount: 310,
    followingCount: 95,
    likesCount: 2_100,
    videoCount: 17,
  },
];

function newId(prefix: string): string {
  return `${prefix}${randomBytes(24).toString("base64url")}`;
}

export function logId(): string {
  return `2026${randomBytes(12).toString("hex").toUpperCase()}`;
}

export function emptyStats(): TikTokStats {
  return {
    requests: 0,
    byPath: {},
    codeExchanges: 0,
    refreshes: 0,
    refreshRefusals: 0,
    refreshReuses: 0,
    revokes: 0,
    userInfoCalls: 0,
    rateLimited: 0,
  };
}

export class TikTokState {
  people = new Map<string, TikTokPerson>();
  codes = new Map<string, CodeRecord>();
  access = new Map<string, AccessRecord>();
  refresh = new Map<string, RefreshRecord>();
  /** Successful spends per refresh token (each should be 0 or 1). */
  spends = new Map<string, number>();
  rules: FailRule[] = [];
  stats: TikTokStats = emptyStats();
  /** Request times per rate-limited path (sliding one-minute window). */
  windows = new Map<string, number[]>();
  offsetMs = 0;
  private ruleIds = 0;
  private personSeq = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.people = new Map(SEED_PEOPLE.map((p) => [p.openId, { ...p }]));
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.spends.clear();
    this.rules = [];
    this.stats = emptyStats();
    this.windows.clear();
    this.offsetMs = 0;
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  addPerson(input: Partial<TikTokPerson> = {}): TikTokPerson {
    const n = ++this.personSeq;
    const suffix = `${Date.now().toString(36)}${n}`;
    const person: TikTokPerson = {
      openId: input.openId ?? `tt-open-${suffix}`,
      unionId: input.unionId ?? `tt-union-${suffix}`,
      displayName: input.displayName ?? `Test Creator ${n}`,
      username: input.username ?? `creator${suffix}`,
      bio: input.bio ?? "",
      isVerified: input.isVerified ?? false,
      followerCount: input.followerCount ?? 0,
      followingCount: input.followingCount ?? 0,
      likesCount: input.likesCount ?? 0,
      videoCount: input.videoCount ?? 0,
    };
    this.people.set(person.openId, person);
    return person;
  }

  newCode(): string {
    return newId("code-");
  }

  /** Issues a new access + refresh token pair. */
  issuePair(openId: string, scopes: string[], accessTtlS: number, refreshTtlS: number): { access: AccessRecord; refresh: RefreshRecord } {
    const now = this.nowMs();
    const issue = (prefix: string, ttlS: number): AccessRecord => ({
      token: newId(prefix),
      openId,
      scopes,
      expiresAtMs: now + ttlS * 1000,
      revoked: false,
      issuedAtMs: now,
    });
    const access = issue("act.", accessTtlS);
    const refresh: RefreshRecord = {
      ...issue("rft.", refreshTtlS),
      rotatedTo: undefined,
      rotatedAtMs: undefined,
      accessToken: access.token,
    };
    this.access.set(access.token, access);
    this.refresh.set(refresh.token, refresh);
    return { access, refresh };
  }

  addRule(rule: Omit<FailRule, "id">): FailRule {
    const full = { ...rule, id: ++this.ruleIds };
    this.rules.push(full);
    return full;
  }

  /** The first rule matching this request, consumed once. */
  takeRule(path: string, grantType: string | undefined, openId: string | undefined): FailRule | undefined {
    const norm = normalizePath(path);
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        normalizePath(r.path) === norm &&
        (r.grantType === undefined || r.grantType === grantType) &&
        (r.openId === undefined || r.openId === openId),
    );
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  /** Sliding one-minute window; true when this request is over the limit. */
  overLimit(path: string, perMinute: number): boolean {
    if (perMinute <= 0) return false;
    const now = this.nowMs();
    const times = (this.windows.get(path) ?? []).filter((t) => t > now - 60_000);
    if (times.length >= perMinute) {
      this.windows.set(path, times);
      return true;
    }
    times.push(now);
    this.windows.set(path, times);
    return false;
  }
}

export function normalizePath(p: string): string {
  const withSlash = p.startsWith("/") ? p : `/${p}`;
  return withSlash.endsWith("/") ? withSlash : `${withSlash}/`;
}
