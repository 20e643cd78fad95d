/** Typed helper for tests: drives the emulator's /__control API with global fetch. */

import type { AppUsage, PostRecord, Stats, TokenType } from "./types.js";

export type { AppUsage, Stats, TokenType };
/** 458 app removed, 460 password changed, 467 logged out, 492 lost Page role. */
export type RevokeSubcode = number;

export interface TokenSummary {
  token: string;
  type: TokenType;
  personId: string;
  pageId: string | null;
  /** Usable right now (not revoked, not expired). */
  valid: boolean;
  expired: boolean;
  revoked: boolean;
  revokedSubcode: number | null;
  /** Unix seconds, 0 = never. */
  expiresAt: number;
  issuedAt: number;
  longLived: boolean;
  source: "oauth" | "exchange" | "accounts" | "mint";
  scopes: string[];
}

export interface MintOptions {
  count: number;
  type: TokenType;
  state?: "valid" | "expired" | "revoked" | "expiring";
  expiresInSeconds?: number;
  personId?: string;
  pageId?: string;
  subcode?: number;
  scopes?: string[];
}

export interface FailNextOptions {
  /** e.g. "/oauth/access_token", "/me", "/me/accounts", "/debug_token", "/" (batch). Version prefix optional. */
  path: string;
  match?: {
    grant_type?: string;
    /** true/"present" = request has an `after` cursor; false/"absent" = none; other string = that exact cursor. */
    after?: string | boolean;
    /** Fail from the nth matching call (1-based) counted from now. */
    page?: number;
    /** Only requests made for this person (from the code, fb_exchange_token or access token): safe in parallel tests. */
    person?: string;
  };
  times?: number;
  response: {
    status?: number;
    error?: { code: number; subcode?: number; message?: string };
    timeoutMs?: number;
    malformed?: boolean | "not-json" | "wrong-shape";
  };
}

export interface InstagramInput {
  id: string;
  username: string;
  name?: string;
  quotaUsage?: number;
}

export interface PageInput {
  id: string;
  name: string;
  category?: string;
  tasks?: string[];
  instagram?: InstagramInput;
}

export interface BusinessInput {
  id: string;
  name: string;
  ownedPages?: PageInput[];
  clientPages?: PageInput[];
}

export interface PersonSummary {
  id: string;
  name: string;
  email: string | null;
  pageCount: number;
  pages: { id: string; name: string; category: string; tasks: string[] }[];
}

export class EmulatorControl {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    const res = await fetch(`${this.base}/__control${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`Facebook emulator control ${method} ${path} failed: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  reset(): Promise<{ ok: true }> {
    return this.call("POST", "/reset", {});
  }

  stats(): Promise<Stats> {
    return this.call("GET", "/stats");
  }

  resetStats(): Promise<{ ok: true }> {
    return this.call("POST", "/stats/reset", {});
  }

  expireToken(token: string): Promise<{ ok: true }> {
    return this.call("POST", "/tokens/expire", { token });
  }

  revokeToken(token: string, subcode?: RevokeSubcode): Promise<{ ok: true }> {
    return this.call("POST", "/tokens/revoke", subcode === undefined ? { token } : { token, subcode });
  }

  revokePerson(personId: string, subcode?: RevokeSubcode): Promise<{ ok: true; revoked: number }> {
    return this.call("POST", `/people/${encodeURIComponent(personId)}/revoke`, subcode === undefined ? {} : { subcode });
  }

  async mintTokens(opts: MintOptions): Promise<string[]> {
    const res = await this.call<{ tokens: string[] }>("POST", "/tokens/mint", opts);
    return res.tokens;
  }

  async tokens(filter: { person?: string; type?: TokenType; source?: TokenSummary["source"] } = {}): Promise<TokenSummary[]> {
    const q = new URLSearchParams();
    if (filter.person !== undefined) q.set("person", filter.person);
    if (filter.type !== undefined) q.set("type", filter.type);
    if (filter.source !== undefined) q.set("source", filter.source);
    const qs = q.toString();
    const res = await this.call<{ tokens: TokenSummary[] }>("GET", `/tokens${qs === "" ? "" : "?" + qs}`);
    return res.tokens;
  }

  async issuedTokens(): Promise<string[]> {
    const res = await this.call<{ tokens: string[] }>("GET", "/tokens/issued");
    return res.tokens;
  }

  failNext(opts: FailNextOptions): Promise<{ ok: true; id: number; path: string }> {
    return this.call("POST", "/fail-next", opts);
  }

  /** The fail-next rules not yet used up (a rule that fired its last time is gone from this list). */
  async failureRules(): Promise<{ id: number; path: string; remaining: number; seen: number }[]> {
    const res = await this.call<{ rules: { id: number; path: string; remaining: number; seen: number }[] }>("GET", "/fail-next");
    return res.rules;
  }

  clearFailures(): Promise<{ ok: true }> {
    return this.call("DELETE", "/fail-next");
  }

  setUsage(usage: {
    appUsage?: AppUsage;
    businessUseCase?: Record<string, unknown> | null;
  }): Promise<{ appUsage: AppUsage; businessUseCase: unknown }> {
    return this.call("POST", "/usage", usage);
  }

  setPages(personId: string, pages: PageInput[]): Promise<{ ok: true; pages: number }> {
    return this.call("PUT", `/people/${encodeURIComponent(personId)}/pages`, { pages });
  }

  /** Creates a test person; pages default to none. Returns the new app-scoped id. */
  createPerson(person: {
    name: string;
    email?: string;
    pages?: PageInput[];
    businesses?: BusinessInput[];
  }): Promise<{ id: string; name: string }> {
    return this.call("POST", "/people", person);
  }

  /** Links an Instagram account to one of the person's Pages, or unlinks it (null). */
  setInstagram(personId: string, pageId: string, instagram: InstagramInput | null): Promise<{ ok: true; linked: boolean }> {
    return this.call("PUT", `/people/${encodeURIComponent(personId)}/pages/${encodeURIComponent(pageId)}/instagram`, { instagram });
  }

  /** Sets when the person's 90-day data access lapses: now + seconds (≤ 0 = lapsed; reads then fail with 190/493). */
  setDataAccess(personId: string, expiresInSeconds: number): Promise<{ ok: true; dataAccessExpiresAt: number }> {
    return this.call("POST", `/people/${encodeURIComponent(personId)}/data-access`, { expiresInSeconds });
  }

  async people(): Promise<PersonSummary[]> {
    const res = await this.call<{ people: PersonSummary[] }>("GET", "/people");
    return res.people;
  }

  /** Move the emulator's clock forward (codes and tokens expire by it). */
  advanceClock(seconds: number): Promise<{ nowMs: number; offsetMs: number }> {
    return this.call("POST", "/clock", { advanceSeconds: seconds });
  }

  /** Expire the unused authorization codes of one person (all people when omitted), without moving the clock. */
  expireCodes(personId?: string): Promise<{ ok: true; expired: number }> {
    return this.call("POST", "/codes/expire", personId === undefined ? {} : { person: personId });
  }

  /** Posts published through POST /{page-id}/feed since the last reset (one Page's when given). */
  async posts(pageId?: string): Promise<PostRecord[]> {
    const res = await this.call<{ posts: PostRecord[] }>(
      "GET",
      `/posts${pageId === undefined ? "" : `?page=${encodeURIComponent(pageId)}`}`,
    );
    return res.posts;
  }

  async appsecretProof(token: string): Promise<string> {
    const res = await this.call<{ appsecret_proof: string }>("GET", `/appsecret-proof?token=${encodeURIComponent(token)}`);
    return res.appsecret_proof;
  }
}
