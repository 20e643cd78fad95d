/** Graph read endpoints: /me, /me/permissions, /me/accounts, /debug_token. */
import { checkAppToken, looksLikeAppToken, problemError, requireToken, tokenFromRequest } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { GraphError, UNKNOWN_TOKEN_MESSAGE } from "./errors.js";
import { numericId } from "./ids.js";
import type { GraphRequest, PageRecord, TokenRecord } from "./types.js";

type Obj = Record<string, unknown>;

const USER_FIELDS = new Set(["id", "name", "email", "picture", "first_name", "last_name", "short_name", "name_format"]);
const PAGE_FIELDS = new Set([
  "id",
  "name",
  "access_token",
  "category",
  "category_list",
  "tasks",
  "picture",
  "link",
  "is_published",
  "fan_count",
  "instagram_business_account",
]);
const DEFAULT_ACCOUNT_FIELDS = ["access_token", "category", "category_list", "name", "id", "tasks"];
/** Scopes whose grant can be limited to some Pages (granular_scopes target_ids). */
const PAGE_SCOPED = /^(pages_|read_insights$|business_management$|instagram_)/;

/** Split "id,name,picture{url},accounts.limit(5){id}" into top-level field names. */
export function parseFields(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of raw) {
    if (ch === "{" || ch === "(") depth++;
    if (ch === "}" || ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map((f) => (f.split(/[.{(]/, 1)[0] ?? "").trim()).filter((f) => f !== "");
}

function checkFields(fields: string[], known: Set<string>, nodeType: string): void {
  for (const f of fields) {
    if (!known.has(f)) throw new GraphError(100, `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`);
  }
}

export function pictureUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/pictures/${id}.svg`;
}

function picture(baseUrl: string, id: string): Obj {
  return { data: { height: 50, width: 50, is_silhouette: false, url: pictureUrl(baseUrl, id) } };
}

function userField(ctx: EmulatorContext, req: GraphRequest, rec: TokenRecord, field: string): unknown {
  const person = ctx.state.people.get(rec.personId);
  if (person === undefined) return undefined;
  const [first, ...rest] = person.name.split(" ");
  switch (field) {
    case "id":
      return person.id;
    case "name":
      return person.name;
    case "email":
      return rec.grant.scopes.includes("email") ? person.email : undefined;
    case "picture":
      return picture(req.baseUrl, person.id);
    case "first_name":
      return first;
    case "last_name":
      return rest.join(" ");
    case "short_name":
      return first;
    case "name_format":
      return "{first} {last}";
    default:
      return undefined;
  }
}

/** Who reads a Page's Instagram field: the token's grant, and whether its person has a direct role on the Page. */
interface InstagramViewer {
  grant: TokenRecord["grant"];
  direct: boolean;
}

function instagramViewer(ctx: EmulatorContext, rec: TokenRecord, page: PageRecord): InstagramViewer {
  const direct = ctx.state.people.get(rec.personId)?.pages.some((p) => p.id === page.id) ?? false;
  return { grant: rec.grant, direct };
}

/**
 * `instagram_business_account{…}`: only with instagram_basic granted, and, when the person's role on the Page comes
 * from a Business Manager portfolio (no direct role), also ads_management or ads_read (Meta's rule); the field is
 * left out otherwise.
 */
function instagramNode(req: GraphRequest, page: PageRecord, viewer: InstagramViewer): unknown {
  const ig = page.instagram;
  const scopes = viewer.grant.scopes;
  if (ig === undefined || !scopes.includes("instagram_basic")) return undefined;
  if (!viewer.direct && !scopes.includes("ads_management") && !scopes.includes("ads_read")) return undefined;
  return { id: ig.id, username: ig.username, name: ig.name, profile_picture_url: pictureUrl(req.baseUrl, ig.id) };
}

function pageNode(req: GraphRequest, page: PageRecord, field: string, token: () => string, viewer?: InstagramViewer): unknown {
  switch (field) {
    case "instagram_business_account":
      return viewer === undefined ? undefined : instagramNode(req, page, viewer);
    case "id":
      return page.id;
    case "name":
      return page.name;
    case "access_token":
      return token();
    case "category":
      return page.category;
    case "category_list":
      return [{ id: numericId(page.category), name: page.category }];
    case "tasks":
      return [...page.tasks];
    case "picture":
      return picture(req.baseUrl, page.id);
    case "link":
      return `https://www.facebook.com/${page.id}`;
    case "is_published":
      return true;
    case "fan_count":
      return 0;
    default:
      return undefined;
  }
}

function pick(fields: string[], get: (f: string) => unknown): Obj {
  const out: Obj = {};
  for (const f of ["id", ...fields.filter((x) => x !== "id")]) {
    const v = get(f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

export function handleMe(ctx: EmulatorContext, req: GraphRequest): Obj {
  const rec = requireToken(ctx, req);
  const fields = parseFields(req.params.get("fields"));
  if (rec.type === "PAGE") {
    const page = rec.pageId === undefined ? undefined : ctx.state.findPage(rec.personId, rec.pageId);
    if (page === undefined) throw new GraphError(190, UNKNOWN_TOKEN_MESSAGE);
    const want = fields ?? ["id", "name"];
    checkFields(want, PAGE_FIELDS, "Page");
    return pick(want, (f) => pageNode(req, page, f, () => rec.token, instagramViewer(ctx, rec, page)));
  }
  const want = fields ?? ["id", "name"];
  checkFields(want, USER_FIELDS, "User");
  return pick(want, (f) => userField(ctx, req, rec, f));
}

export function handlePermissions(ctx: EmulatorContext, req: GraphRequest): Obj {
  const rec = requireToken(ctx, req);
  if (req.method === "DELETE") {
    ctx.state.revokePerson(rec.personId, 458);
    return { success: true };
  }
  const data = [
    ...rec.grant.scopes.map((permission) => ({ permission, status: "granted" })),
    ...rec.grant.declined.map((permission) => ({ permission, status: "declined" })),
  ];
  return { data };
}

/** Stable Page token per (user token, Page). */
function pageTokenFor(ctx: EmulatorContext, user: TokenRecord, page: PageRecord): string {
  const existing = user.pageTokens.get(page.id);
  const existingRec = existing === undefined ? undefined : ctx.state.tokens.get(existing);
  if (existingRec !== undefined && ctx.state.problemOf(existingRec) === undefined) return existingRec.token;
  const rec = ctx.state.issueToken({
    type: "PAGE",
    personId: user.personId,
    pageId: page.id,
    grant: user.grant,
    expiresAt: user.longLived ? 0 : user.expiresAt,
    longLived: user.longLived,
    source: "accounts",
  });
  user.pageTokens.set(page.id, rec.token);
  return rec.token;
}

const encodeCursor = (pageId: string): string => Buffer.from(pageId, "utf8").toString("base64url");

function cursorIndex(pages: readonly { id: string }[], cursor: string): number {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  const idx = pages.findIndex((p) => p.id === id);
  if (idx < 0) throw new GraphError(100, "(#100) The after/before cursor is invalid");
  return idx;
}

function parseLimit(raw: string | undefined): number {
  const n = raw === undefined ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n <= 0) return 25;
  return Math.min(n, 100);
}

/** Slice [start, end) of pages for after/before cursors. */
function pageWindow(pages: readonly { id: string }[], req: GraphRequest, limit: number): [number, number] {
  const after = req.params.get("after");
  const before = req.params.get("before");
  if (after !== undefined && after !== "") {
    const start = cursorIndex(pages, after) + 1;
    return [start, Math.min(start + limit, pages.length)];
  }
  if (before !== undefined && before !== "") {
    const end = cursorIndex(pages, before);
    return [Math.max(0, end - limit), end];
  }
  return [0, Math.min(limit, pages.length)];
}

function pagingUrl(req: GraphRequest, ctx: EmulatorContext, limit: number, key: "after" | "before", cursor: string): string {
  return pagingUrlFor(req.path, req, ctx, limit, key, cursor);
}

function pagingUrlFor(
  path: string,
  req: GraphRequest,
  ctx: EmulatorContext,
  limit: number,
  key: "after" | "before",
  cursor: string,
): string {
  const q = new URLSearchParams();
  const token = tokenFromRequest(req);
  if (token !== undefined) q.set("access_token", token);
  for (const k of ["fields", "appsecret_proof"]) {
    const v = req.params.get(k);
    if (v !== undefined) q.set(k, v);
  }
  q.set("limit", String(limit));
  q.set(key, cursor);
  return `${req.baseUrl}/${ctx.config.apiVersion}${path}?${q.toString()}`;
}

/** Facebook's answer once the person's 90-day data access has lapsed: the token stays valid, reads fail. */
export const DATA_ACCESS_EXPIRED_MESSAGE = "The access token is invalid since the user hasn't engaged the app in longer than 90 days.";

function requireDataAccess(ctx: EmulatorContext, rec: TokenRecord): void {
  if (ctx.state.dataAccessExpired(rec.personId)) throw new GraphError(190, DATA_ACCESS_EXPIRED_MESSAGE, { subcode: 493 });
}

/** One window of a list of Pages with Facebook's cursor paging (shared by /me/accounts and the business edges). */
function pagedPages(ctx: EmulatorContext, req: GraphRequest, rec: TokenRecord, pages: PageRecord[]): Obj {
  const fields = parseFields(req.params.get("fields")) ?? DEFAULT_ACCOUNT_FIELDS;
  checkFields(fields, PAGE_FIELDS, "Page");
  const limit = parseLimit(req.params.get("limit"));
  const [start, end] = pageWindow(pages, req, limit);
  const slice = pages.slice(start, end);
  const data = slice.map((p) => pick(fields, (f) => pageNode(req, p, f, () => pageTokenFor(ctx, rec, p), instagramViewer(ctx, rec, p))));
  const first = slice[0];
  const last = slice[slice.length - 1];
  if (first === undefined || last === undefined) return { data };
  const paging: Obj = { cursors: { before: encodeCursor(first.id), after: encodeCursor(last.id) } };
  if (start > 0) paging["previous"] = pagingUrl(req, ctx, limit, "before", encodeCursor(first.id));
  if (end < pages.length) paging["next"] = pagingUrl(req, ctx, limit, "after", encodeCursor(last.id));
  return { data, paging };
}

function requireBusinessManagement(rec: TokenRecord): void {
  if (rec.type === "PAGE") throw new GraphError(100, "(#100) Tried accessing nonexisting field (businesses) on node type (Page)");
  if (!rec.grant.scopes.includes("business_management")) {
    throw new GraphError(100, "(#100) Missing Permission: business_management", { status: 403 });
  }
}

/** GET /me/businesses: the Business Manager portfolios the person belongs to (needs business_management). */
export function handleBusinesses(ctx: EmulatorContext, req: GraphRequest): Obj {
  const rec = requireToken(ctx, req);
  requireBusinessManagement(rec);
  requireDataAccess(ctx, rec);
  const person = ctx.state.people.get(rec.personId);
  const list = (person?.businesses ?? []).map((b) => ({ id: b.id, name: b.name }));
  const limit = parseLimit(req.params.get("limit"));
  const [start, end] = pageWindow(list, req, limit);
  const data = list.slice(start, end);
  const first = data[0];
  const last = data[data.length - 1];
  if (first === undefined || last === undefined) return { data };
  const paging: Obj = { cursors: { before: encodeCursor(first.id), after: encodeCursor(last.id) } };
  if (start > 0) paging["previous"] = pagingUrl(req, ctx, limit, "before", encodeCursor(first.id));
  if (end < list.length) paging["next"] = pagingUrl(req, ctx, limit, "after", encodeCursor(last.id));
  return { data, paging };
}

/** GET /{business-id}/owned_pages and /{business-id}/client_pages: same fields and paging as /me/accounts. */
export function handleBusinessPages(ctx: EmulatorContext, req: GraphRequest, businessId: string, kind: "owned" | "client"): Obj {
  const rec = requireToken(ctx, req);
  requireBusinessManagement(rec);
  requireDataAccess(ctx, rec);
  const business = ctx.state.findBusiness(rec.personId, businessId);
  if (business === undefined) throw unsupportedObject(req.method, businessId);
  return pagedPages(ctx, req, rec, kind === "owned" ? business.ownedPages : business.clientPages);
}

export function unsupportedObject(method: string, id: string): GraphError {
  const verb = method === "GET" ? "get" : method === "DELETE" ? "delete" : "post";
  return new GraphError(
    100,
    `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
      "or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
    { subcode: 33 },
  );
}

/** GET /{page-id}?fields=…: with that Page's token, or a user token of a person who reaches the Page. */
export function handlePageNode(ctx: EmulatorContext, req: GraphRequest, pageId: string): Obj {
  const rec = requireToken(ctx, req);
  const page = ctx.state.findPage(rec.personId, pageId);
  if (page === undefined || (rec.type === "PAGE" && rec.pageId !== pageId)) throw unsupportedObject(req.method, pageId);
  requireDataAccess(ctx, rec);
  const want = parseFields(req.params.get("fields")) ?? ["id", "name"];
  checkFields(want, PAGE_FIELDS, "Page");
  return pick(want, (f) =>
    pageNode(req, page, f, () => (rec.type === "PAGE" ? rec.token : pageTokenFor(ctx, rec, page)), instagramViewer(ctx, rec, page)),
  );
}

/** GET /{ig-user-id}/content_publishing_limit: 100 API posts per 24 hours (needs instagram_content_publish). */
export function handlePublishingLimit(ctx: EmulatorContext, req: GraphRequest, igId: string): Obj {
  const rec = requireToken(ctx, req);
  const page = ctx.state.pageOfInstagram(rec.personId, igId);
  if (page?.instagram === undefined || (rec.type === "PAGE" && rec.pageId !== page.id)) throw unsupportedObject(req.method, igId);
  if (!rec.grant.scopes.includes("instagram_content_publish")) {
    throw new GraphError(10, "(#10) Application does not have permission for this action");
  }
  requireDataAccess(ctx, rec);
  return { data: [{ quota_usage: page.instagram.quotaUsage, config: { quota_total: 100, quota_duration: 86400 } }] };
}

export function handleAccounts(ctx: EmulatorContext, req: GraphRequest): Obj {
  const rec = requireToken(ctx, req);
  if (rec.type === "PAGE") throw new GraphError(100, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)");
  if (!rec.grant.scopes.includes("pages_show_list")) {
    throw new GraphError(10, "(#10) This endpoint requires the 'pages_show_list' permission");
  }
  requireDataAccess(ctx, rec);
  return pagedPages(ctx, req, rec, ctx.state.grantedPages(rec));
}

function granularScopes(rec: TokenRecord, pageIds: string[] | "all"): Obj[] {
  return rec.grant.scopes.map((scope) => (PAGE_SCOPED.test(scope) && pageIds !== "all" ? { scope, target_ids: [...pageIds] } : { scope }));
}

export function handleDebugToken(ctx: EmulatorContext, req: GraphRequest): Obj {
  const token = tokenFromRequest(req);
  if (token === undefined) {
    throw new GraphError(
      100,
      "(#100) You must provide an app access token, or a user access token that is an owner or developer of the app",
    );
  }
  if (!looksLikeAppToken(token)) {
    throw new GraphError(
      100,
      "(#100) You must provide an app access token, or a user access token that is an owner or developer of the app",
    );
  }
  checkAppToken(ctx, token);
  const input = req.params.get("input_token");
  if (input === undefined || input === "") throw new GraphError(100, "(#100) The parameter input_token is required");
  if (looksLikeAppToken(input)) {
    const [id, secret] = input.split("|", 2);
    const ok = id === ctx.config.appId && secret === ctx.config.appSecret;
    return { data: { app_id: ctx.config.appId, type: "APP", application: "Emulated App", is_valid: ok, scopes: [] } };
  }
  const rec = ctx.state.tokens.get(input);
  if (rec === undefined) {
    return { data: { error: { code: 190, message: UNKNOWN_TOKEN_MESSAGE }, is_valid: false, scopes: [] } };
  }
  return { data: describeToken(ctx, rec) };
}

function describeToken(ctx: EmulatorContext, rec: TokenRecord): Obj {
  const pageIds = rec.grant.pages;
  const data: Obj = {
    app_id: ctx.config.appId,
    type: rec.type,
    application: "Emulated App",
    data_access_expires_at: ctx.state.dataAccessExpiresAt(rec.personId),
    expires_at: rec.expiresAt,
    is_valid: true,
    issued_at: rec.issuedAt,
    scopes: [...rec.grant.scopes],
    granular_scopes: granularScopes(rec, pageIds),
    user_id: rec.personId,
  };
  if (rec.type === "PAGE" && rec.pageId !== undefined) data["profile_id"] = rec.pageId;
  const problem = ctx.state.problemOf(rec);
  if (problem !== undefined) {
    const err = problemError(ctx, rec, problem);
    data["is_valid"] = false;
    data["error"] = { code: 190, message: err.message, subcode: problem.subcode };
  }
  return data;
}
