import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FailNextOptions, PageInput } from "../../emulators/facebook/client";
import { HARNESS_APP_SECRET, startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import type { GraphClient } from "../facebook/graph-client";
import { connectFacebook, type ConnectResult } from "./connect-facebook";
import type { ConnectError, ConnectStep } from "./connect-error";

/**
 * A connect that fails at any step — the long-lived exchange, /me, /me/permissions, any page of /me/accounts, the
 * database write — leaves no new rows (identity, Pages, tokens, audit), records a failed attempt whose message tells
 * the person what to do and never contains a token, and a retry afterwards succeeds. Failures are injected in the
 * Facebook emulator (scoped to the test's own person) or made real in PostgreSQL (a constraint or trigger).
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

const WRITTEN_TABLES = ["social_identities", "facebook_pages", "ad_tokens", "audit_events"] as const;

function person(pageCount: number, name = "Failing Person"): Promise<{ id: string; pages: PageInput[] }> {
  return h.createPerson({ pages: pageCount, name });
}

/** Every row of the tables a connect writes (all tenants), as the owner sees them. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of WRITTEN_TABLES) out[t] = (await h.db.owner.query(`SELECT * FROM ${t} ORDER BY id`)).rows;
  return out;
}

async function pendingFailureRules(): Promise<unknown[]> {
  const res = await fetch(`${h.url}/__control/fail-next`);
  return ((await res.json()) as { rules: unknown[] }).rules;
}

interface AttemptRow {
  outcome: string;
  step: string | null;
  error_code: string | null;
  message: string;
  declined_scopes: string[];
}

async function attempts(tenantId: string): Promise<AttemptRow[]> {
  const { rows } = await h.db.owner.query<AttemptRow>(
    `SELECT outcome, step, error_code, message, declined_scopes FROM connect_attempts WHERE tenant_id = $1 ORDER BY created_at, id`,
    [tenantId],
  );
  return rows;
}

function failed(result: ConnectResult): ConnectError {
  if (result.ok) throw new Error("expected the connect to fail, but it succeeded");
  return result.error;
}

/** The failed attempt row matches the error, and its words carry no token (or the app secret). */
async function expectRecordedFailure(member: Member, error: ConnectError, extraSecrets: string[] = []): Promise<void> {
  const rows = await attempts(member.tenantId);
  expect(rows.at(-1)).toEqual({
    outcome: "failed",
    step: error.step,
    error_code: error.code,
    message: error.userMessage,
    declined_scopes: error.declinedScopes,
  });
  const issued = await h.control.issuedTokens();
  expect(issued.length).toBeGreaterThan(0);
  for (const secret of [...issued, ...extraSecrets, HARNESS_APP_SECRET]) {
    expect(error.userMessage).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  }
  expect(error.userMessage).not.toMatch(/EAA[A-Za-z0-9]{8}/);
}

async function expectRetrySucceeds(member: Member, personId: string, pages: number, graph?: GraphClient): Promise<void> {
  const retry = await h.connect(member, personId, { graph });
  expect(retry.ok ? "ok" : `${retry.error.step}:${retry.error.code}`).toBe("ok");
  const counts = await h.counts(member.tenantId);
  expect(counts).toMatchObject({ social_identities: 1, facebook_pages: pages });
  const active = await h.db.owner.query<{ token_type: string; n: number }>(
    `SELECT token_type, count(*)::int AS n FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL GROUP BY token_type ORDER BY token_type`,
    [member.tenantId],
  );
  expect(active.rows).toEqual([
    { token_type: "user", n: 1 },
    { token_type: "page", n: pages },
  ]);
  expect((await attempts(member.tenantId)).at(-1)?.outcome).toBe("succeeded");
}

interface Injection {
  name: string;
  pages: number;
  rule: (personId: string) => FailNextOptions;
  step: ConnectStep;
  code: string;
  message: RegExp;
}

const TRY_AGAIN = /try again/i;

const injections: Injection[] = [
  {
    name: "the long-lived exchange answers HTTP 500",
    pages: 3,
    rule: (p) => ({ path: "/oauth/access_token", match: { grant_type: "fb_exchange_token", person: p }, response: { status: 500 } }),
    step: "exchange",
    code: "facebook_1",
    message: /getting a long-lived token from Facebook: Facebook had a temporary problem\. Try again in a minute\./,
  },
  {
    name: "the long-lived exchange says the session expired (190/463)",
    pages: 3,
    rule: (p) => ({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: p },
      response: { error: { code: 190, subcode: 463 } },
    }),
    step: "exchange",
    code: "facebook_190_463",
    message: /The Facebook session has expired\. Reconnect to continue\./,
  },
  {
    name: "the long-lived exchange answers a body without access_token",
    pages: 3,
    rule: (p) => ({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: p },
      response: { malformed: "wrong-shape" },
    }),
    step: "exchange",
    code: "malformed",
    message: /answer we could not read\. Try again/,
  },
  {
    name: "the long-lived exchange answers HTML instead of JSON",
    pages: 3,
    rule: (p) => ({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: p },
      response: { malformed: "not-json" },
    }),
    step: "exchange",
    code: "malformed",
    message: /answer we could not read\. Try again/,
  },
  {
    name: "/me answers HTTP 503",
    pages: 3,
    rule: (p) => ({ path: "/me", match: { person: p }, response: { status: 503 } }),
    step: "profile",
    code: "facebook_2",
    message: /reading your Facebook profile: Facebook had a temporary problem\. Try again in a minute\./,
  },
  {
    name: "/me is rate-limited (code 17)",
    pages: 3,
    rule: (p) => ({ path: "/me", match: { person: p }, response: { error: { code: 17 } } }),
    step: "profile",
    code: "facebook_17",
    message: /rate-limiting requests right now\. Wait a few minutes and try again\./,
  },
  {
    name: "/me/permissions answers HTTP 500",
    pages: 3,
    rule: (p) => ({ path: "/me/permissions", match: { person: p }, response: { status: 500 } }),
    step: "permissions",
    code: "facebook_1",
    message: /reading the permissions you granted: .*Try again/,
  },
  {
    name: "/me/accounts, 1st page of 3, answers HTTP 500",
    pages: 250,
    rule: (p) => ({ path: "/me/accounts", match: { person: p, page: 1 }, response: { status: 500 } }),
    step: "pages",
    code: "facebook_1",
    message: /reading your Facebook Pages: Facebook had a temporary problem\. Try again in a minute\./,
  },
  {
    name: "/me/accounts, 2nd page of 3, is Page-rate-limited (code 32)",
    pages: 250,
    rule: (p) => ({ path: "/me/accounts", match: { person: p, page: 2 }, response: { error: { code: 32 } } }),
    step: "pages",
    code: "facebook_32",
    message: /reading your Facebook Pages: Facebook is rate-limiting requests/,
  },
  {
    name: "/me/accounts, 3rd page of 3, answers a malformed body",
    pages: 250,
    rule: (p) => ({ path: "/me/accounts", match: { person: p, page: 3 }, response: { malformed: "wrong-shape" } }),
    step: "pages",
    code: "malformed",
    message: /reading your Facebook Pages: Facebook sent an answer we could not read\. Try again/,
  },
];

describe("a Facebook failure at each step", () => {
  for (const c of injections)
    it(`${c.name} → refused at ${c.step}, no rows written, failed attempt recorded; a retry succeeds`, async () => {
      const p = await person(c.pages);
      const member = await h.seedMember();
      const shortLived = await h.shortLivedToken(p.id);
      const before = await snapshot();
      await h.control.failNext(c.rule(p.id));

      const error = failed(
        await connectFacebook({
          tenantId: member.tenantId,
          userId: member.userId,
          shortLivedToken: shortLived,
          client: h.db.app,
          graph: h.graph(),
        }),
      );

      expect(await pendingFailureRules()).toEqual([]); // the injected failure really fired
      expect({ step: error.step, code: error.code }).toEqual({ step: c.step, code: c.code });
      expect(error.userMessage).toMatch(c.message);
      expect(await snapshot()).toEqual(before);
      expect(await h.counts(member.tenantId)).toEqual({
        social_identities: 0,
        facebook_pages: 0,
        ad_tokens: 0,
        audit_events: 0,
        connect_attempts: 1,
      });
      await expectRecordedFailure(member, error, [shortLived]);

      await expectRetrySucceeds(member, p.id, c.pages);
    });

  it("an error message from Facebook that quotes the token reaches neither the person nor the attempt row", async () => {
    const p = await person(1);
    const member = await h.seedMember();
    const shortLived = await h.shortLivedToken(p.id);
    await h.control.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: p.id },
      response: { error: { code: 190, message: `Error validating access token ${shortLived} (appsecret ${HARNESS_APP_SECRET})` } },
    });

    const error = failed(
      await connectFacebook({
        tenantId: member.tenantId,
        userId: member.userId,
        shortLivedToken: shortLived,
        client: h.db.app,
        graph: h.graph(),
      }),
    );

    expect(error.code).toBe("facebook_190");
    await expectRecordedFailure(member, error, [shortLived]);
  });
});

describe("Facebook too slow or unreachable", () => {
  it("a Graph call slower than FACEBOOK_TIMEOUT_MS is abandoned and refused with 'try again' wording", async () => {
    h.setEnv({ FACEBOOK_TIMEOUT_MS: "500" });
    try {
      const graph = h.graph();
      expect(graph.config.timeoutMs).toBe(500);
      const p = await person(3);
      const member = await h.seedMember();
      const shortLived = await h.shortLivedToken(p.id);
      const before = await snapshot();
      await h.control.failNext({ path: "/me", match: { person: p.id }, response: { timeoutMs: 5_000 } });

      const started = performance.now();
      const error = failed(
        await connectFacebook({ tenantId: member.tenantId, userId: member.userId, shortLivedToken: shortLived, client: h.db.app, graph }),
      );
      const ms = performance.now() - started;

      expect({ step: error.step, code: error.code }).toEqual({ step: "profile", code: "timeout" });
      expect(error.userMessage).toMatch(/Facebook did not answer in time\. Try again in a minute\./);
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(3_000);
      expect(await snapshot()).toEqual(before);
      await expectRecordedFailure(member, error, [shortLived]);
      await expectRetrySucceeds(member, p.id, 3, graph);
    } finally {
      h.setEnv({ FACEBOOK_TIMEOUT_MS: "10000" });
    }
  });

  it("a timeout on the 2nd page of /me/accounts is refused the same way; a delay under the limit is not a failure", async () => {
    h.setEnv({ FACEBOOK_TIMEOUT_MS: "500" });
    try {
      const graph = h.graph();
      const p = await person(250);
      const member = await h.seedMember();
      await h.control.failNext({ path: "/me/accounts", match: { person: p.id, page: 2 }, response: { timeoutMs: 5_000 } });

      const error = failed(await h.connect(member, p.id, { graph }));

      expect({ step: error.step, code: error.code }).toEqual({ step: "pages", code: "timeout" });
      expect(error.userMessage).toMatch(TRY_AGAIN);
      expect(await h.counts(member.tenantId)).toMatchObject({ social_identities: 0, facebook_pages: 0, ad_tokens: 0, audit_events: 0 });

      // Control: the same injection with a delay below the limit only slows the connect down.
      await h.control.failNext({ path: "/me/accounts", match: { person: p.id, page: 2 }, response: { timeoutMs: 150 } });
      await expectRetrySucceeds(member, p.id, 250, graph);
      expect(await pendingFailureRules()).toEqual([]);
    } finally {
      h.setEnv({ FACEBOOK_TIMEOUT_MS: "10000" });
    }
  });

  it("Facebook unreachable (connection refused) → refused at the exchange with 'try again' wording", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const port = (srv.address() as { port: number }).port;
        srv.close(() => resolve(port));
      });
    });
    const p = await person(1);
    const member = await h.seedMember();
    const shortLived = await h.shortLivedToken(p.id);

    const error = failed(
      await connectFacebook({
        tenantId: member.tenantId,
        userId: member.userId,
        shortLivedToken: shortLived,
        client: h.db.app,
        graph: h.graph({ graphBase: `http://127.0.0.1:${closedPort}/v24.0` }),
      }),
    );

    expect({ step: error.step, code: error.code }).toEqual({ step: "exchange", code: "network" });
    expect(error.userMessage).toMatch(/Could not reach Facebook\. Try again in a minute\./);
    await expectRecordedFailure(member, error, [shortLived]);
    await expectRetrySucceeds(member, p.id, 1);
  });
});

describe("what the person shared", () => {
  it("declined pages_show_list → refused with a message naming it, /me/accounts never called, no rows; allowing it works", async () => {
    const p = await person(3);
    const member = await h.seedMember();
    const shortLived = await h.shortLivedToken(p.id, { decline: ["pages_show_list"] });
    await h.control.resetStats();

    const error = failed(
      await connectFacebook({
        tenantId: member.tenantId,
        userId: member.userId,
        shortLivedToken: shortLived,
        client: h.db.app,
        graph: h.graph(),
      }),
    );

    expect({ step: error.step, code: error.code }).toEqual({ step: "permissions", code: "missing_permission" });
    expect(error.userMessage).toMatch(/You did not allow "pages_show_list".*Connect again and keep it ticked\./);
    expect(error.declinedScopes).toContain("pages_show_list");
    expect((await h.control.stats()).byPath["/me/accounts"]).toBeUndefined();
    expect(await h.counts(member.tenantId)).toEqual({
      social_identities: 0,
      facebook_pages: 0,
      ad_tokens: 0,
      audit_events: 0,
      connect_attempts: 1,
    });
    await expectRecordedFailure(member, error, [shortLived]);
    expect((await attempts(member.tenantId))[0]!.declined_scopes).toContain("pages_show_list");

    await expectRetrySucceeds(member, p.id, 3);
  });

  it("a person who manages no Pages → refused with what to do, no rows", async () => {
    const p = await person(0, "Nobody Pages");
    const member = await h.seedMember();

    const error = failed(await h.connect(member, p.id));

    expect({ step: error.step, code: error.code }).toEqual({ step: "pages", code: "no_pages" });
    expect(error.userMessage).toMatch(/Facebook shared no Pages with us\. Connect again and tick the Pages/);
    expect(await h.counts(member.tenantId)).toEqual({
      social_identities: 0,
      facebook_pages: 0,
      ad_tokens: 0,
      audit_events: 0,
      connect_attempts: 1,
    });
    await expectRecordedFailure(member, error);
  });

  it("a person who unticks every Page → refused the same way; ticking them works", async () => {
    const p = await person(2);
    const member = await h.seedMember();

    const error = failed(await h.connect(member, p.id, { pages: "none" }));

    expect(error.code).toBe("no_pages");
    expect(await h.counts(member.tenantId)).toMatchObject({ social_identities: 0, facebook_pages: 0, ad_tokens: 0 });
    await expectRecordedFailure(member, error);
    await expectRetrySucceeds(member, p.id, 2);
  });

  it("a plain member (not owner/admin) may not connect: refused, no rows", async () => {
    const p = await person(1);
    const member = await h.seedMember("member");

    const error = failed(await h.connect(member, p.id));

    expect({ step: error.step, code: error.code }).toEqual({ step: "save", code: "not_allowed" });
    expect(error.userMessage).toMatch(/Only owners and admins/);
    expect(await h.counts(member.tenantId)).toEqual({
      social_identities: 0,
      facebook_pages: 0,
      ad_tokens: 0,
      audit_events: 0,
      connect_attempts: 1,
    });
    await expectRecordedFailure(member, error);
  });
});

// ------------------------------------------------------------------------------------------- the database write

interface DbFailure {
  name: string;
  install: string[];
  remove: string[];
}

const dbFailures: DbFailure[] = [
  {
    name: "a CHECK (false) on ad_tokens (the first token write fails)",
    install: [`ALTER TABLE ad_tokens ADD CONSTRAINT tmp_fail CHECK (false) NOT VALID`],
    remove: [`ALTER TABLE ad_tokens DROP CONSTRAINT IF EXISTS tmp_fail`],
  },
  {
    name: "a trigger refusing page-token inserts (after the user token was written)",
    install: [
      `CREATE FUNCTION tmp_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
      `CREATE TRIGGER tmp_fail BEFORE INSERT ON ad_tokens FOR EACH ROW WHEN (NEW.token_type = 'page') EXECUTE FUNCTION tmp_fail()`,
    ],
    remove: [`DROP TRIGGER IF EXISTS tmp_fail ON ad_tokens`, `DROP FUNCTION IF EXISTS tmp_fail()`],
  },
  {
    name: "a trigger refusing the succeeded attempt (the transaction's very last statement)",
    install: [
      `CREATE FUNCTION tmp_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
      `CREATE TRIGGER tmp_fail BEFORE INSERT ON connect_attempts FOR EACH ROW WHEN (NEW.outcome = 'succeeded') EXECUTE FUNCTION tmp_fail()`,
    ],
    remove: [`DROP TRIGGER IF EXISTS tmp_fail ON connect_attempts`, `DROP FUNCTION IF EXISTS tmp_fail()`],
  },
];

describe("the database write fails", () => {
  for (const f of dbFailures)
    it(`${f.name} → a reconnect changes nothing (old tokens stay active), failed attempt recorded; a retry succeeds`, async () => {
      const p = await person(3);
      const member = await h.seedMember();
      const first = await h.connect(member, p.id);
      expect(first.ok).toBe(true);
      const before = await snapshot();
      const shortLived = await h.shortLivedToken(p.id);

      let error: ConnectError;
      for (const sql of f.install) await h.db.owner.query(sql);
      try {
        error = failed(
          await connectFacebook({
            tenantId: member.tenantId,
            userId: member.userId,
            shortLivedToken: shortLived,
            client: h.db.app,
            graph: h.graph(),
          }),
        );
      } finally {
        for (const sql of f.remove) await h.db.owner.query(sql);
      }

      expect({ step: error.step, code: error.code }).toEqual({ step: "save", code: "database" });
      expect(error.userMessage).toBe("Connecting failed while saving the connection; nothing was saved. Try again in a minute.");
      // Not a single row changed: the old user and page tokens are still the active ones, nothing soft-deleted.
      expect(await snapshot()).toEqual(before);
      expect((await attempts(member.tenantId)).map((a) => a.outcome)).toEqual(["succeeded", "failed"]);
      await expectRecordedFailure(member, error, [shortLived]);

      await expectRetrySucceeds(member, p.id, 3);
      const tokens = await h.db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE tenant_id = $1`, [member.tenantId]);
      expect(tokens.rows).toEqual([{ n: 8 }]); // first connect (4, now soft-deleted) + retry (4); none from the failed one
    });

  it("a first connect whose write fails leaves no identity, Page, token or audit row at all", async () => {
    const p = await person(2);
    const member = await h.seedMember();
    await h.db.owner.query(`ALTER TABLE ad_tokens ADD CONSTRAINT tmp_fail CHECK (false) NOT VALID`);
    let error: ConnectError;
    try {
      error = failed(await h.connect(member, p.id));
    } finally {
      await h.db.owner.query(`ALTER TABLE ad_tokens DROP CONSTRAINT IF EXISTS tmp_fail`);
    }

    expect(error.code).toBe("database");
    expect(await h.counts(member.tenantId)).toEqual({
      social_identities: 0,
      facebook_pages: 0,
      ad_tokens: 0,
      audit_events: 0,
      connect_attempts: 1,
    });
    await expectRecordedFailure(member, error);
    await expectRetrySucceeds(member, p.id, 2);
  });
});
