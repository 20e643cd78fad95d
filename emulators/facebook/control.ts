/** Control API under /__control (JSON in/out, no auth) for tests and demos. */
import { appsecretProof } from "./auth.js";
import type { EmulatorContext } from "./context.js";
import { makeRule, parseFailSpec } from "./failures.js";
import { HttpError, isRecord } from "./http-util.js";
import { LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS } from "./state.js";
import type { AppUsage, BusinessRecord, FailNextSpec, Grant, InstagramRecord, PageRecord, TokenRecord, TokenType } from "./types.js";

export interface ControlResult {
  status: number;
  body: unknown;
}

type Body = Record<string, unknown>;

const ok = (body: unknown = { ok: true }): ControlResult => ({ status: 200, body });
const bad = (message: string): HttpError => new HttpError(400, message);

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || v === "") throw bad(`${key} must be a non-empty string`);
  return v;
}

function optNum(body: Body, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${key} must be a number`);
  return v;
}

function optStrList(body: Body, key: string): string[] | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) throw bad(`${key} must be an array of strings`);
  return v;
}

export function tokenSummary(ctx: EmulatorContext, rec: TokenRecord): Record<string, unknown> {
  const problem = ctx.state.problemOf(rec);
  return {
    token: rec.token,
    type: rec.type,
    personId: rec.personId,
    pageId: rec.pageId ?? null,
    valid: problem === undefined,
    expired: problem?.kind === "expired",
    revoked: !rec.valid,
    revokedSubcode: rec.revokedSubcode ?? null,
    expiresAt: rec.expiresAt,
    issuedAt: rec.issuedAt,
    longLived: rec.longLived,
    source: rec.source,
    scopes: [...rec.grant.scopes],
  };
}

function findToken(ctx: EmulatorContext, body: Body): TokenRecord {
  const rec = ctx.state.tokens.get(str(body, "token"));
  if (rec === undefined) throw new HttpError(404, "unknown token");
  return rec;
}

function subcodeOf(body: Body, fallback: number): number {
  return optNum(body, "subcode") ?? fallback;
}

// ---------------------------------------------------------------- mint

const MINT_SCOPES = ["public_profile", "email", "pages_show_list", "pages_read_engagement"];
const MINT_STATES = new Set(["valid", "expired", "revoked", "expiring"]);

function mintExpiry(now: number, type: TokenType, state: string, expiresIn: number | undefined): number {
  if (state === "expired") return now - Math.abs(expiresIn ?? 60) - 1;
  if (state === "expiring") return now + (expiresIn ?? 86400);
  if (expiresIn !== undefined) return expiresIn === 0 ? 0 : now + expiresIn;
  return type === "PAGE" ? 0 : now + LONG_LIVED_SECONDS;
}

function mint(ctx: EmulatorContext, body: Body): ControlResult {
  const count = optNum(body, "count") ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 200000) throw bad("count must be an integer in 1..200000");
  const type = body["type"] ?? "USER";
  if (type !== "USER" && type !== "PAGE") throw bad('type must be "USER" or "PAGE"');
  const state = typeof body["state"] === "string" ? body["state"] : "valid";
  if (!MINT_STATES.has(state)) throw bad("state must be valid|expired|revoked|expiring");
  const personId = typeof body["personId"] === "string" ? body["personId"] : "1000001";
  const person = ctx.state.people.get(personId);
  if (person === undefined) throw new HttpError(404, `unknown person ${personId}`);
  const pageId = typeof body["pageId"] === "string" ? body["pageId"] : undefined;
  const pages = pageId !== undefined ? [pageId] : person.pages.map((p) => p.id);
  if (type === "PAGE" && pages.length === 0) throw bad(`person ${personId} has no Pages; pass pageId`);
  const expiresIn = optNum(body, "expiresInSeconds");
  const grant: Grant = { scopes: optStrList(body, "scopes") ?? MINT_SCOPES, declined: [], pages: "all" };
  const subcode = subcodeOf(body, 460);
  const now = ctx.state.nowSec();
  const expiresAt = mintExpiry(now, type, state, expiresIn);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const rec = ctx.state.issueToken({
      type,
      personId,
      pageId: type === "PAGE" ? pages[i % pages.length] : undefined,
      grant,
      expiresAt,
      longLived: expiresAt === 0 || expiresAt - now > SHORT_LIVED_SECONDS,
      source: "mint",
    });
    if (state === "revoked") ctx.state.revoke(rec, subcode);
    tokens.push(rec.token);
  }
  return ok({ tokens });
}

// ---------------------------------------------------------------- pages, usage, clock

function parsePage(v: unknown): PageRecord {
  if (!isRecord(v)) throw bad("each page must be an object");
  const id = v["id"];
  const name = v["name"];
  if (typeof id !== "string" || typeof name !== "string") throw bad("each page needs string id and name");
  const category = typeof v["category"] === "string" ? v["category"] : "Community";
  const tasks = optStrList(v, "tasks") ?? ["ANALYZE"];
  const ig = v["instagram"];
  return { id, name, category, tasks: [...tasks], instagram: ig === undefined || ig === null ? undefined : parseInstagram(ig) };
}

function parseInstagram(v: unknown): InstagramRecord {
  if (!isRecord(v)) throw bad("instagram must be an object");
  const id = v["id"];
  const username = v["username"];
  if (typeof id !== "string" || typeof username !== "string") throw bad("instagram needs string id and username");
  const name = typeof v["name"] === "string" ? v["name"] : username;
  return { id, username, name, quotaUsage: optNum(v, "quotaUsage") ?? 0 };
}

function parseBusiness(v: unknown): BusinessRecord {
  if (!isRecord(v)) throw bad("each business must be an object");
  const id = v["id"];
  const name = v["name"];
  if (typeof id !== "string" || typeof name !== "string") throw bad("each business needs string id and name");
  const list = (key: string): PageRecord[] => {
    const raw = v[key] ?? [];
    if (!Array.isArray(raw)) throw bad(`${key} must be an array`);
    const items: unknown[] = raw;
    return items.map(parsePage);
  };
  return { id, name, ownedPages: list("ownedPages"), clientPages: list("clientPages") };
}

/** Links (object) or unlinks (null) an Instagram account on one of the person's Pages (direct or business). */
function setInstagram(ctx: EmulatorContext, personId: string, pageId: string, body: Body): ControlResult {
  if (!ctx.state.people.has(personId)) throw new HttpError(404, `unknown person ${personId}`);
  const page = ctx.state.findPage(personId, pageId);
  if (page === undefined) throw new HttpError(404, `person ${personId} has no Page ${pageId}`);
  const ig = body["instagram"];
  page.instagram = ig === null || ig === undefined ? undefined : parseInstagram(ig);
  return ok({ ok: true, linked: page.instagram !== undefined });
}

/** Moves a person's data-access expiry to now + expiresInSeconds (negative or 0 = already lapsed). */
function setDataAccess(ctx: EmulatorContext, personId: string, body: Body): ControlResult {
  if (!ctx.state.people.has(personId)) throw new HttpError(404, `unknown person ${personId}`);
  const seconds = optNum(body, "expiresInSeconds");
  if (seconds === undefined) throw bad("expiresInSeconds must be a number");
  const at = ctx.state.nowSec() + seconds;
  ctx.state.dataAccess.set(personId, at);
  for (const rec of ctx.state.tokens.values()) if (rec.personId === personId) rec.dataAccessExpiresAt = at;
  return ok({ ok: true, dataAccessExpiresAt: at });
}

function putPages(ctx: EmulatorContext, personId: string, body: Body): ControlResult {
  if (!ctx.state.people.has(personId)) throw new HttpError(404, `unknown person ${personId}`);
  const raw = body["pages"];
  if (!Array.isArray(raw)) throw bad("pages must be an array");
  const list: unknown[] = raw;
  const pages = list.map(parsePage);
  ctx.state.replacePages(personId, pages);
  return ok({ ok: true, pages: pages.length });
}

function parseUsage(v: unknown): AppUsage {
  if (!isRecord(v)) throw bad("appUsage must be an object");
  return {
    call_count: optNum(v, "call_count") ?? 0,
    total_cputime: optNum(v, "total_cputime") ?? 0,
    total_time: optNum(v, "total_time") ?? 0,
  };
}

function setUsage(ctx: EmulatorContext, body: Body): ControlResult {
  if (body["appUsage"] !== undefined) ctx.state.appUsage = parseUsage(body["appUsage"]);
  if ("businessUseCase" in body) {
    const buc = body["businessUseCase"];
    ctx.state.businessUseCase = buc === null ? undefined : buc;
  }
  return ok({ appUsage: ctx.state.appUsage, businessUseCase: ctx.state.businessUseCase ?? null });
}

function advanceClock(ctx: EmulatorContext, body: Body): ControlResult {
  const seconds = optNum(body, "advanceSeconds") ?? 0;
  ctx.state.clockOffsetMs += seconds * 1000;
  return ok({ nowMs: ctx.state.nowMs(), offsetMs: ctx.state.clockOffsetMs });
}

let createdPeople = 0;

/** Adds a test person (tests make their own so parallel tests never share a Facebook identity). */
function createPerson(ctx: EmulatorContext, body: Body): ControlResult {
  const name = body["name"];
  if (typeof name !== "string" || !name.trim()) throw bad("name must be a non-empty string");
  const email = typeof body["email"] === "string" ? body["email"] : undefined;
  const raw = body["pages"] ?? [];
  if (!Array.isArray(raw)) throw bad("pages must be an array");
  const list: unknown[] = raw;
  const rawBusinesses = body["businesses"] ?? [];
  if (!Array.isArray(rawBusinesses)) throw bad("businesses must be an array");
  const businessList: unknown[] = rawBusinesses;
  createdPeople++;
  const id = String(5_000_000 + Math.floor(Math.random() * 1_000_000) * 100 + (createdPeople % 100));
  if (ctx.state.people.has(id)) throw new HttpError(409, "id clash, try again");
  ctx.state.people.set(id, { id, name: name.trim(), email, pages: list.map(parsePage), businesses: businessList.map(parseBusiness) });
  return ok({ id, name: name.trim() });
}

function peopleSummary(ctx: EmulatorContext): ControlResult {
  const people = [...ctx.state.people.values()].map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email ?? null,
    pageCount: p.pages.length,
    pages: p.pages.map((pg) => ({ id: pg.id, name: pg.name, category: pg.category, tasks: [...pg.tasks] })),
  }));
  return ok({ people });
}

function listTokens(ctx: EmulatorContext, query: URLSearchParams): ControlResult {
  const person = query.get("person");
  const type = query.get("type");
  const source = query.get("source");
  const tokens = [...ctx.state.tokens.values()]
    .filter(
      (t) => (person === null || t.personId === person) && (type === null || t.type === type) && (source === null || t.source === source),
    )
    .map((t) => tokenSummary(ctx, t));
  return ok({ tokens });
}

function failNext(ctx: EmulatorContext, body: Body): ControlResult {
  const rule = makeRule(ctx.state.nextRuleId++, parseSpecOr400(body));
  ctx.state.failures.push(rule);
  return ok({ ok: true, id: rule.id, path: rule.path });
}

function parseSpecOr400(body: Body): FailNextSpec {
  try {
    return parseFailSpec(body);
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
}

// ---------------------------------------------------------------- router

/** `path` is the part after "/__control". */
export function handleControl(ctx: EmulatorContext, method: string, path: string, query: URLSearchParams, body: Body): ControlResult {
  const s = ctx.state;
  const key = `${method} ${path}`;
  switch (key) {
    case "POST /reset":
      s.reset();
      return ok();
    case "GET /stats":
      return ok(s.stats);
    case "POST /stats/reset":
      s.resetStats();
      return ok();
    case "POST /tokens/expire":
      s.expire(findToken(ctx, body));
      return ok();
    case "POST /tokens/revoke":
      s.revoke(findToken(ctx, body), subcodeOf(body, 460));
      return ok();
    case "POST /tokens/mint":
      return mint(ctx, body);
    case "GET /tokens":
      return listTokens(ctx, query);
    case "GET /tokens/issued":
      return ok({ tokens: [...s.issued] });
    case "POST /fail-next":
      return failNext(ctx, body);
    case "GET /fail-next":
      return ok({ rules: s.failures });
    case "DELETE /fail-next":
      s.failures = [];
      return ok();
    case "POST /usage":
      return setUsage(ctx, body);
    case "GET /people":
      return peopleSummary(ctx);
    case "POST /people":
      return createPerson(ctx, body);
    case "POST /clock":
      return advanceClock(ctx, body);
    case "POST /codes/expire": {
      const person = body["person"];
      if (person !== undefined && typeof person !== "string") throw bad("person must be a string");
      return ok({ ok: true, expired: s.expireCodes(person) });
    }
    case "GET /posts": {
      const page = query.get("page");
      const all = [...s.posts.values()].flat();
      return ok({ posts: page ? all.filter((p) => p.pageId === page) : all });
    }
    case "GET /appsecret-proof": {
      const token = query.get("token") ?? "";
      return ok({ appsecret_proof: appsecretProof(ctx.config.appSecret, token) });
    }
    default:
      break;
  }
  const revoke = /^\/people\/([^/]+)\/revoke$/.exec(path);
  if (method === "POST" && revoke?.[1] !== undefined) {
    if (!s.people.has(revoke[1])) throw new HttpError(404, `unknown person ${revoke[1]}`);
    return ok({ ok: true, revoked: s.revokePerson(revoke[1], subcodeOf(body, 460)) });
  }
  const pages = /^\/people\/([^/]+)\/pages$/.exec(path);
  if (method === "PUT" && pages?.[1] !== undefined) return putPages(ctx, pages[1], body);
  const ig = /^\/people\/([^/]+)\/pages\/([^/]+)\/instagram$/.exec(path);
  if (method === "PUT" && ig?.[1] !== undefined && ig[2] !== undefined) return setInstagram(ctx, ig[1], ig[2], body);
  const da = /^\/people\/([^/]+)\/data-access$/.exec(path);
  if (method === "POST" && da?.[1] !== undefined) return setDataAccess(ctx, da[1], body);
  throw new HttpError(404, `unknown control endpoint ${key}`);
}
