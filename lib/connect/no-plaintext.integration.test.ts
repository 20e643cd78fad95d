import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HARNESS_APP_SECRET, startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { setLogSink } from "../log/logger";
import { decryptToken } from "../tokens/encryption";
import { ERASED_KEY_ID } from "../tokens/key-ring";
import { connectFacebook } from "./connect-facebook";

/**
 * No plaintext token anywhere: after a run of successful connects, reconnects and failures injected at several
 * steps (one of them quoting the token in Facebook's error message, one making the database refuse even the failed
 * attempt), no token the emulator ever issued appears in any table of the database, inside any bytea, in any log
 * line (LOG_LEVEL=debug), or in anything written to stdout, stderr or the console.
 */

let h: ConnectHarness;
const logLines: string[] = [];
const written: string[] = [];
let restoreWrites: (() => void) | undefined;

function captureOutput(): void {
  setLogSink((line) => logLines.push(line));
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    written.push(String(chunk));
    return out(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    written.push(String(chunk));
    return err(chunk, ...rest);
  }) as typeof process.stderr.write;
  for (const m of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      written.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  restoreWrites = () => {
    process.stdout.write = out as typeof process.stdout.write;
    process.stderr.write = err as typeof process.stderr.write;
    vi.restoreAllMocks();
    setLogSink(null);
  };
}

async function person(pageCount: number): Promise<string> {
  return (await h.createPerson({ name: "Secretless", pages: pageCount })).id;
}

async function expectConnect(member: Member, personId: string, ok: boolean): Promise<void> {
  const r = await h.connect(member, personId);
  expect(r.ok, r.ok ? "connected" : `${r.error.step}:${r.error.code}`).toBe(ok);
}

beforeAll(async () => {
  h = await startConnectHarness({ env: { LOG_LEVEL: "debug" } });
  captureOutput();

  const member = await h.seedMember();
  const alice = await person(3);
  await expectConnect(member, alice, true);
  await expectConnect(member, alice, true); // reconnect: rotated tokens (soft-deleted rows keep ciphertext)

  const bulk = await person(150);
  const other = await h.seedMember();
  await expectConnect(other, bulk, true);

  // Facebook quotes the token back in its error message.
  const quoting = await person(1);
  const shortLived = await h.shortLivedToken(quoting);
  await h.control.failNext({
    path: "/oauth/access_token",
    match: { grant_type: "fb_exchange_token", person: quoting },
    response: { error: { code: 190, message: `Error validating access token: ${shortLived} is invalid` } },
  });
  const quoted = await connectFacebook({
    tenantId: member.tenantId,
    userId: member.userId,
    shortLivedToken: shortLived,
    client: h.db.app,
    graph: h.graph(),
  });
  expect(quoted.ok).toBe(false);

  await h.control.failNext({ path: "/me", match: { person: alice }, response: { status: 500 } });
  await expectConnect(member, alice, false);
  await h.control.failNext({ path: "/me/accounts", match: { person: bulk, page: 2 }, response: { malformed: "wrong-shape" } });
  await expectConnect(other, bulk, false);
  const declined = await h.connect(member, alice, { decline: ["pages_show_list"] });
  expect(declined.ok).toBe(false);

  // The database refuses the write and then the failed attempt too: the logger gets the database error itself.
  await h.db.owner.query(`ALTER TABLE ad_tokens ADD CONSTRAINT tmp_fail CHECK (false) NOT VALID`);
  await h.db.owner.query(`ALTER TABLE connect_attempts ADD CONSTRAINT tmp_fail CHECK (false) NOT VALID`);
  try {
    await expectConnect(member, alice, false);
  } finally {
    await h.db.owner.query(`ALTER TABLE ad_tokens DROP CONSTRAINT tmp_fail`);
    await h.db.owner.query(`ALTER TABLE connect_attempts DROP CONSTRAINT tmp_fail`);
  }
  await expectConnect(member, alice, true);
});

afterAll(async () => {
  restoreWrites?.();
  await h?.close();
});

async function issued(): Promise<string[]> {
  const tokens = await h.control.issuedTokens();
  const summaries = await h.control.tokens();
  // Not vacuous: short-lived (oauth), long-lived (exchange) and Page tokens were all issued and searched for.
  expect(new Set(summaries.map((t) => t.source))).toEqual(new Set(["oauth", "exchange", "accounts"]));
  expect(tokens.length).toBeGreaterThan(150);
  return tokens;
}

describe("the database", () => {
  it("has no issued token in any column of any table (text dump of every row, as the owner)", async () => {
    const tables = await h.db.owner.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.rows.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["ad_tokens", "accounts", "audit_events", "connect_attempts", "facebook_pages", "social_identities"]),
    );
    const dump: string[] = [];
    for (const { table_name } of tables.rows) {
      const { rows } = await h.db.owner.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      dump.push(...rows.map((r) => `${table_name} ${r.row}`));
    }
    const text = dump.join("\n");
    // The dump really holds the data we wrote (so searching it means something).
    expect(text).toContain("Secretless Page");
    expect(text).toContain("facebook.connected");
    expect(dump.filter((l) => l.startsWith("ad_tokens ")).length).toBeGreaterThan(150);

    const tokens = await issued();
    const found = tokens.filter(
      (t) =>
        text.includes(t) ||
        text.includes(Buffer.from(t).toString("hex")) ||
        text.includes(Buffer.from(t).toString("base64")) ||
        text.includes(t.slice(3, 40)),
    );
    expect(found).toEqual([]);
    expect(text).not.toContain(HARNESS_APP_SECRET);
  });

  it("has no issued token's bytes inside any ciphertext, and every ciphertext decrypts to an issued token", async () => {
    const tokens = await issued();
    const { rows } = await h.db.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ad_tokens a, unnest($1::text[]) AS tok
        WHERE position(convert_to(tok, 'UTF8') in a.ciphertext) > 0`,
      [tokens],
    );
    expect(rows).toEqual([{ n: 0 }]);
    // Positive control of the query itself: it does find a token's bytes when they are there.
    const control = await h.db.owner.query<{ hit: boolean }>(
      `SELECT position(convert_to($1, 'UTF8') in convert_to('xx' || $1 || 'yy', 'UTF8')) > 0 AS hit`,
      [tokens[0]],
    );
    expect(control.rows).toEqual([{ hit: true }]);

    const stored = await h.db.owner.query<{ tenant_id: string; key_id: string; ciphertext: Buffer; deleted: boolean }>(
      `SELECT tenant_id, key_id, ciphertext, deleted_at IS NOT NULL AS deleted FROM ad_tokens`,
    );
    // Soft-deleted rows (the reconnects replaced some) hold nothing: erased by the database when soft-deleted.
    const erased = stored.rows.filter((r) => r.deleted);
    expect(erased.length).toBeGreaterThan(0);
    expect(erased.filter((r) => r.key_id !== ERASED_KEY_ID || r.ciphertext.length !== 0)).toEqual([]);
    // Every active row decrypts to a token Facebook issued, each a different one.
    const live = stored.rows.filter((r) => !r.deleted);
    expect(live.length).toBeGreaterThan(150);
    const set = new Set(tokens);
    const decrypted = live.map((r) => decryptToken(r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id }));
    expect(decrypted.filter((t) => !set.has(t))).toEqual([]);
    expect(new Set(decrypted).size).toBe(live.length);
  });
});

describe("logs and process output", () => {
  it("captured the run's log lines (successes, failures, the unrecordable attempt)", () => {
    const events = logLines.map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(
      expect.arrayContaining(["facebook.connect.succeeded", "facebook.connect.failed", "facebook.connect.attempt_not_recorded"]),
    );
    const notRecorded = logLines.find((l) => l.includes("attempt_not_recorded"))!;
    expect(notRecorded).toMatch(/tmp_fail|check constraint|violates/i); // the database error itself was logged
  });

  it("contain no issued token, no app secret and nothing token-shaped", async () => {
    const tokens = await issued();
    const everything = [...logLines, ...written].join("\n");
    expect(logLines.length).toBeGreaterThan(5);
    expect(tokens.filter((t) => everything.includes(t) || everything.includes(t.slice(3, 40)))).toEqual([]);
    expect(everything).not.toContain(HARNESS_APP_SECRET);
    expect(everything).not.toMatch(/EAA[A-Za-z0-9]{16}/);
  });
});
