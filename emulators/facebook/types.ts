/** Shared types of the Facebook emulator. */

export type TokenType = "USER" | "PAGE";

/** Where a token came from (handy for tests that look for leaked tokens). */
export type TokenSource = "oauth" | "exchange" | "accounts" | "mint";

/** An Instagram professional account linked to a Page (`instagram_business_account`). */
export interface InstagramRecord {
  id: string;
  username: string;
  name: string;
  /** Posts published through the API in the last 24 hours (content_publishing_limit's quota_usage). */
  quotaUsage: number;
}

export interface PageRecord {
  id: string;
  name: string;
  category: string;
  /** The person's tasks on this Page (direct role, or the role their business gives them). */
  tasks: string[];
  instagram?: InstagramRecord | undefined;
}

/** A Business Manager portfolio the person belongs to: Pages it owns and Pages it manages for clients. */
export interface BusinessRecord {
  id: string;
  name: string;
  ownedPages: PageRecord[];
  clientPages: PageRecord[];
}

export interface PersonRecord {
  id: string;
  name: string;
  email: string | undefined;
  /** Pages the person has a direct role on (what /me/accounts lists). */
  pages: PageRecord[];
  /** Businesses the person belongs to (GET /me/businesses); their Pages are reached through the business. */
  businesses: BusinessRecord[];
}

/** What a person granted at consent: copied onto every token derived from it. */
export interface Grant {
  scopes: string[];
  declined: string[];
  /** "all" = every current Page of the person (the "all Pages" checkbox). */
  pages: "all" | string[];
}

export interface TokenRecord {
  token: string;
  type: TokenType;
  personId: string;
  pageId: string | undefined;
  grant: Grant;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds, 0 = never. */
  expiresAt: number;
  dataAccessExpiresAt: number;
  longLived: boolean;
  valid: boolean;
  revokedSubcode: number | undefined;
  source: TokenSource;
  /** For USER tokens: stable Page token per Page (pageId -> token). */
  pageTokens: Map<string, string>;
}

/** A post published with POST /{page-id}/feed. */
export interface PostRecord {
  /** "<page-id>_<post-id>", as Facebook answers. */
  id: string;
  pageId: string;
  message: string | undefined;
  link: string | undefined;
  /** The person whose Page token published it. */
  personId: string;
  /** ISO 8601 with +0000, like Facebook's created_time. */
  createdTime: string;
}

export interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  personId: string;
  grant: Grant;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  /** Epoch milliseconds. */
  expiresAtMs: number;
  used: boolean;
}

export interface AppUsage {
  call_count: number;
  total_cputime: number;
  total_time: number;
}

export interface Stats {
  graphRequests: number;
  byPath: Record<string, number>;
  batchRequests: number;
  batchedCalls: number;
  /** Extra: sub-requests of batches, per path. */
  batchedByPath: Record<string, number>;
}

export interface FailMatch {
  grant_type?: string | undefined;
  /** true / "present" / "*" = an `after` cursor is present; false / "absent" = none; other string = that cursor. */
  after?: string | boolean | undefined;
  /** Fire only from the nth matching call (1-based) counted from when the rule was added. */
  page?: number | undefined;
  /**
   * Only requests made for this person (app-scoped id), resolved from the request's `code`, `fb_exchange_token`
   * or access token. Lets parallel tests inject failures without hitting each other's requests.
   */
  person?: string | undefined;
}

export interface FailResponse {
  status?: number | undefined;
  error?: { code: number; subcode?: number | undefined; message?: string | undefined } | undefined;
  timeoutMs?: number | undefined;
  /** true / "not-json" = 200 with an HTML body; "wrong-shape" = 200 JSON of an unexpected shape. */
  malformed?: boolean | "not-json" | "wrong-shape" | undefined;
}

export interface FailNextSpec {
  path: string;
  match?: FailMatch | undefined;
  times?: number | undefined;
  response: FailResponse;
}

export interface FailureRule {
  id: number;
  path: string;
  match: FailMatch;
  remaining: number;
  seen: number;
  response: FailResponse;
}

/** A Graph request after HTTP parsing (or a batch sub-request). */
export interface GraphRequest {
  method: string;
  /** Normalised path without version, e.g. "/me/accounts" or "/". */
  path: string;
  params: Map<string, string>;
  authorization: string | undefined;
  /** Absolute base URL clients reach the emulator at (for picture URLs and paging links). */
  baseUrl: string;
  isBatchSub: boolean;
  /** appsecret_proof already checked on the enclosing batch. */
  proofVerified: boolean;
}

export interface GraphResult {
  status: number;
  body: string;
  contentType: string;
}

export interface EmulatorConfig {
  appId: string;
  appSecret: string;
  apiVersion: string;
  requireAppsecretProof: boolean;
  codeTtlMs: number;
}
