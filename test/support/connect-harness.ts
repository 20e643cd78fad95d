import "server-only";
import { EmulatorControl, type PageInput } from "../../emulators/facebook/client";
import { startFacebookEmulator, type RunningEmulator } from "../../emulators/facebook/server";
import { connectFacebook, type ConnectResult } from "../../lib/connect/connect-facebook";
import { resetEnvCache } from "../../lib/env";
import { facebookConfig, FACEBOOK_SCOPES, type FacebookConfig } from "../../lib/facebook/config";
import { GraphClient } from "../../lib/facebook/graph-client";
import { generateKeySpec } from "../../lib/tokens/key-ring";
import { seedTenant } from "./fixtures";
import { createTestDatabase, type TestDatabase } from "./test-database";

/**
 * Integration-test harness for anything that talks to Facebook and the database: a Facebook emulator on a random
 * port (appsecret_proof required, as in production), a throw-away migrated PostgreSQL database, and process.env
 * pointing the app's code at both. Nothing of ours is mocked: the code under test reaches the emulator over HTTP
 * and PostgreSQL as the non-owner app role (row-level security applies).
 *
 *   let h: ConnectHarness;
 *   beforeAll(async () => { h = await startConnectHarness(); });
 *   afterAll(async () => { await h?.close(); });
 *
 *   const person = await h.createPerson({ pages: 3 });           // a new emulator person with 3 Pages
 *   const member = await h.seedMember();                         // a tenant with this user as owner
 *   const result = await h.connect(member, person.id);           // OAuth over HTTP → connectFacebook
 *   const token = await h.shortLivedToken(person.id, { decline: ["pages_show_list"] });
 *   await h.control.failNext({ path: "/me", match: { person: person.id }, response: { status: 500 } });
 *
 * One harness per test file (vitest runs files in separate processes, so process.env is the file's own). Tests in a
 * file should create their own emulator person (`createPerson`) and tenant (`seedMember`) so they do not depend on
 * each other; failures can be scoped to a person with `failNext({ match: { person } })`.
 *
 * The env it sets: DATABASE_URL (app role), AUTH_SECRET, FACEBOOK_APP_ID/SECRET (matching the emulator),
 * FACEBOOK_GRAPH_URL/DIALOG_URL (the emulator), FACEBOOK_APPSECRET_PROOF=true, FACEBOOK_TIMEOUT_MS=10000,
 * TOKEN_ENCRYPTION_KEYS (a fresh key "k1"), LOG_LEVEL=silent; `opts.env` overrides any of them.
 */

export const HARNESS_APP_ID = "4242424242";
export const HARNESS_APP_SECRET = "harness-app-secret-0123456789";
/** The redirect_uri the harness registers with the emulator's dialog (never actually requested). */
export const HARNESS_REDIRECT_URI = "http://127.0.0.1:9/api/auth/callback/facebook";
export const HARNESS_AUTH_SECRET = "harness-auth-secret-0123456789abcdef0123";

export interface HarnessOptions {
  /** Pool size of the app-role Prisma client (default 10). */
  poolMax?: number;
  /** Extra or overriding environment variables (e.g. FACEBOOK_TIMEOUT_MS, LOG_LEVEL). */
  env?: Record<string, string>;
}

export interface ConsentChoices {
  /** Scopes the app asks for (default: the app's own FACEBOOK_SCOPES). */
  scopes?: string[];
  /** Scopes the person unticks on the consent screen (public_profile cannot be unticked). */
  decline?: string[];
  /** Page ids the person ticks (default: every Page listed for them; a person with > 20 Pages can only share all or none). */
  pages?: string[] | "all" | "none";
  /** The dialog's auth_type, e.g. "reauthorize" (renews lapsed 90-day data access). */
  authType?: string;
}

export interface Member {
  tenantId: string;
  userId: string;
  slug: string;
}

export interface ConnectHarness {
  /** The emulator's base URL (dialog and Graph). */
  url: string;
  control: EmulatorControl;
  db: TestDatabase;
  /** A Graph client configured from the current env (call again after setEnv to pick up changes). */
  graph(overrides?: Partial<FacebookConfig>): GraphClient;
  /** Sets env variables for the code under test (restored by close()) and clears the env cache. */
  setEnv(vars: Record<string, string | undefined>): void;
  /** Drives the emulator's OAuth dialog and code exchange over HTTP; returns the short-lived user token. */
  shortLivedToken(personId: string, choices?: ConsentChoices): Promise<string>;
  /**
   * A new emulator person managing `pages` Pages (ids unique within this harness; tasks default to a rotation of
   * three different sets). Returns the app-scoped id and the Pages as the emulator has them.
   */
  createPerson(opts?: {
    pages?: number;
    name?: string;
    email?: string;
    tasks?: (i: number) => string[];
  }): Promise<{ id: string; name: string; pages: PageInput[] }>;
  /** A new user and tenant (owner-side insert) with that user as a member with the given role (default owner). */
  seedMember(role?: "owner" | "admin" | "member"): Promise<Member>;
  /** shortLivedToken + connectFacebook as the member, against the test database's app client. */
  connect(
    member: Pick<Member, "tenantId" | "userId">,
    personId: string,
    choices?: ConsentChoices & { graph?: GraphClient },
  ): Promise<ConnectResult>;
  /** Owner-side row counts of the tenant-owned connection tables for one tenant. */
  counts(tenantId: string): Promise<TableCounts>;
  close(): Promise<void>;
}

export interface TableCounts {
  social_identities: number;
  facebook_pages: number;
  ad_tokens: number;
  audit_events: number;
  connect_attempts: number;
}

/** Page task sets the harness rotates through (all five, two, one). */
export const HARNESS_TASK_SETS: readonly string[][] = [
  ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
  ["ANALYZE", "MODERATE"],
  ["ADVERTISE"],
];

const COUNTED_TABLES = ["social_identities", "facebook_pages", "ad_tokens", "audit_events", "connect_attempts"] as const;

function decodeHtml(s: string): string {
  return s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** type, name, value and id of every <input> in a piece of the dialog's HTML. */
function inputs(html: string): { type: string; name: string; value: string; id: string }[] {
  const out: { type: string; name: string; value: string; id: string }[] = [];
  for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1] ?? "";
    const attr = (n: string) => decodeHtml(new RegExp(`\\b${n}="([^"]*)"`).exec(attrs)?.[1] ?? "");
    out.push({ type: attr("type"), name: attr("name"), value: attr("value"), id: attr("id") });
  }
  return out;
}

/** The part of the dialog HTML listing one person's Pages. */
function pagesSection(html: string, personId: string): string {
  const start = html.indexOf(`id="pages-${personId}"`);
  if (start < 0) throw new Error(`the emulator's dialog does not list person ${personId}`);
  const end = html.indexOf(`<div class="pages"`, start + 1);
  return html.slice(start, end < 0 ? undefined : end);
}

export async function startConnectHarness(opts: HarnessOptions = {}): Promise<ConnectHarness> {
  const emulator: RunningEmulator = await startFacebookEmulator({
    port: 0,
    appId: HARNESS_APP_ID,
    appSecret: HARNESS_APP_SECRET,
    requireAppsecretProof: true,
  });
  let db: TestDatabase;
  try {
    db = await createTestDatabase({ poolMax: opts.poolMax ?? 10 });
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const control = new EmulatorControl(emulator.url);

  const saved = new Map<string, string | undefined>();
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!saved.has(k)) saved.set(k, process.env[k]);
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
  };
  setEnv({
    DATABASE_URL: db.appUrl,
    AUTH_SECRET: HARNESS_AUTH_SECRET,
    FACEBOOK_APP_ID: HARNESS_APP_ID,
    FACEBOOK_APP_SECRET: HARNESS_APP_SECRET,
    FACEBOOK_API_VERSION: "v24.0",
    FACEBOOK_GRAPH_URL: emulator.url,
    FACEBOOK_DIALOG_URL: emulator.url,
    FACEBOOK_APPSECRET_PROOF: "true",
    FACEBOOK_TIMEOUT_MS: "10000",
    TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
    LOG_LEVEL: "silent",
    ...opts.env,
  });

  const graph = (overrides: Partial<FacebookConfig> = {}) => new GraphClient({ ...facebookConfig(), ...overrides });

  async function shortLivedToken(personId: string, choices: ConsentChoices = {}): Promise<string> {
    const { dialogBase, graphBase } = facebookConfig();
    const scopes = choices.scopes ?? FACEBOOK_SCOPES;
    const state = `st-${Math.random().toString(36).slice(2)}`;
    const dialogUrl = new URL(`${dialogBase}/dialog/oauth`);
    dialogUrl.search = new URLSearchParams({
      client_id: HARNESS_APP_ID,
      redirect_uri: HARNESS_REDIRECT_URI,
      state,
      scope: scopes.join(","),
      response_type: "code",
      ...(choices.authType ? { auth_type: choices.authType } : {}),
    }).toString();
    const dialog = await fetch(dialogUrl);
    const html = await dialog.text();
    if (dialog.status !== 200) throw new Error(`emulator dialog answered ${dialog.status}: ${html.slice(0, 300)}`);

    // Submit the consent form the way a browser would: its hidden fields, the chosen person, the ticked boxes.
    const all = inputs(html);
    const form = new URLSearchParams();
    for (const i of all.filter((i) => i.type === "hidden")) form.append(i.name, i.value);
    form.append("person", personId);
    const declined = new Set(choices.decline ?? []);
    for (const i of all.filter((i) => i.name === "scope" && !declined.has(i.value))) form.append("scope", i.value);
    const section = inputs(pagesSection(html, personId));
    const wanted = choices.pages ?? "all";
    for (const i of section) {
      if (i.name === "all_pages" && wanted !== "none") form.append("all_pages", i.value);
      if (i.name === "page" && (wanted === "all" || (Array.isArray(wanted) && wanted.includes(i.value)))) form.append("page", i.value);
    }
    form.append("decision", "approve");
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error("emulator dialog has no form action");
    const decided = await fetch(new URL(decodeHtml(action), dialogBase), {
      method: "POST",
      body: form,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    const location = decided.headers.get("location");
    if (decided.status !== 302 || !location)
      throw new Error(`emulator consent answered ${decided.status}: ${(await decided.text()).slice(0, 300)}`);
    const back = new URL(location);
    const code = back.searchParams.get("code");
    if (!code || back.searchParams.get("state") !== state)
      throw new Error(`emulator redirected without a code or with the wrong state: ${back.search}`);

    const exchange = new URL(`${graphBase}/oauth/access_token`);
    exchange.search = new URLSearchParams({
      client_id: HARNESS_APP_ID,
      client_secret: HARNESS_APP_SECRET,
      redirect_uri: HARNESS_REDIRECT_URI,
      code,
    }).toString();
    const res = await fetch(exchange);
    const body = (await res.json()) as { access_token?: unknown };
    if (!res.ok || typeof body.access_token !== "string") throw new Error(`emulator code exchange answered ${res.status}`);
    return body.access_token;
  }

  let nextPageId = 7_000_000_000;
  async function createPerson(opts: { pages?: number; name?: string; email?: string; tasks?: (i: number) => string[] } = {}) {
    const name = opts.name ?? "Test Person";
    const tasks = opts.tasks ?? ((i: number) => [...HARNESS_TASK_SETS[i % HARNESS_TASK_SETS.length]!]);
    const pages: PageInput[] = Array.from({ length: opts.pages ?? 0 }, (_, i) => {
      const id = String(nextPageId++);
      return { id, name: `${name} Page ${i + 1}`, category: "Local business", tasks: tasks(i) };
    });
    const person = await control.createPerson({ name, email: opts.email, pages });
    return { id: person.id, name: person.name, pages };
  }

  async function seedMember(role: "owner" | "admin" | "member" = "owner"): Promise<Member> {
    return seedTenant(db.owner, { role });
  }

  async function connect(
    member: Pick<Member, "tenantId" | "userId">,
    personId: string,
    choices: ConsentChoices & { graph?: GraphClient } = {},
  ) {
    const shortLived = await shortLivedToken(personId, choices);
    return connectFacebook({
      tenantId: member.tenantId,
      userId: member.userId,
      shortLivedToken: shortLived,
      client: db.app,
      graph: choices.graph ?? graph(),
    });
  }

  async function counts(tenantId: string): Promise<TableCounts> {
    const { rows } = await db.owner.query<TableCounts>(
      `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*)::int FROM ${t} WHERE tenant_id = $1) AS ${t}`).join(", ")}`,
      [tenantId],
    );
    return rows[0]!;
  }

  return {
    url: emulator.url,
    control,
    db,
    graph,
    setEnv,
    shortLivedToken,
    createPerson,
    seedMember,
    connect,
    counts,
    async close() {
      await emulator.close().catch(() => {});
      await db.drop();
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnvCache();
    },
  };
}
