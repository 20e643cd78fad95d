import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokHarness, TIKTOK_CLIENT_SECRET, type TikTokHarness } from "../../test/support/tiktok-harness";
import { setLogSink } from "../log/logger";
import { decryptToken } from "../tokens/encryption";
import { refreshDueTikTokTokens, refreshTikTokToken } from "./refresh";
import * as manage from "../workspace/manage";
import { asMember } from "../tenancy/membership";

/**
 * No plaintext TikTok token anywhere — access AND refresh tokens: after connects, a reconnect, concurrent refreshes,
 * a crash between TikTok's answer and our write, failures whose descriptions quote the refresh token, a refused
 * refresh, a check and a disconnect with revoke, no token the emulator ever issued appears in any table (text dump
 * of every row, including inside every bytea), in any log line (LOG_LEVEL=debug) or in the process output.
 */

let h: TikTokHarness;
const logLines: string[] = [];
const written: string[] = [];
let restore: (() => void) | undefined;

beforeAll(async () => {
  h = await startTikTokHarness({ env: { LOG_LEVEL: "debug" }, poolMax: 12 });
  setLogSink((line) => logLines.push(line));
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
    written.push(String(chunk)),
    out(chunk, ...rest)
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
    written.push(String(chunk)),
    err(chunk, ...rest)
  )) as typeof process.stderr.write;
  restore = () => {
    process.stdout.write = out as typeof process.stdout.write;
    process.stderr.write = err as typeof process.stderr.write;
    setLogSink(null);
  };

  const member = await h.seedMember();
  const other = await h.seedMember();
  const third = await h.seedMember();
  const a = (await h.tiktok.addPerson({ displayName: "Secretless A" })).person.openId;
  const b = (await h.tiktok.addPerson({ displayName: "Secretless B" })).person.openId;
  const c = (await h.tiktok.addPerson({ displayName: "Secretless C" })).person.openId;
  const ok = async (r: Promise<{ ok: boolean }>) => expect((await r).ok).toBe(true);
  await ok(h.connectTikTok(member, a));
  await ok(h.connectTikTok(member, a)); // reconnect: the first pair's row is soft-deleted (erased)
  await ok(h.connectTikTok(other, b));
  const cc = await h.connectTikTok(third, c); // one active TikTok token per member and workspace
  if (!cc.ok) throw new Error("connect failed");
  const ids = await h.db.owner.query<{ id: string; tenant_id: string }>(`SELECT id, tenant_id FROM ad_tokens WHERE deleted_at IS NULL`);
  for (const r of ids.rows) await h.makeDue(r.id);
  // Concurrent refreshes, then a refresh failure whose description quotes the refresh token.
  await Promise.all(ids.rows.flatMap((r) => [1, 2, 3].map(() => refreshTikTokToken(r.tenant_id, r.id, { client: h.db.app }))));
  for (const r of ids.rows) await h.makeDue(r.id);
  const liveRefresh = (await h.tiktok.tokens(b)).refresh.find((t) => t.valid)!.token;
  await h.tiktok.failNext({
    path: "/v2/oauth/token/",
    openId: b,
    status: 500,
    error: "internal_error",
    description: `bad token ${liveRefresh}`,
  });
  // A crash after TikTok answered (the new pair only ever existed in memory), then the refused refresh.
  const cRow = ids.rows.find((r) => r.id === cc.saved.userTokenId)!;
  await expect(
    refreshTikTokToken(cRow.tenant_id, cRow.id, {
      client: h.db.app,
      afterTikTokAnswered: async (pair) => {
        throw new Error(`crash holding ${pair.refreshToken.length} chars`);
      },
    }),
  ).rejects.toThrow();
  await refreshDueTikTokTokens({ client: h.db.app });
  const spent = (await h.tiktok.tokens(a)).refresh.find((t) => t.valid)!.token;
  await h.tiktok.failNext({
    path: "/v2/oauth/token/",
    openId: a,
    status: 400,
    error: "invalid_grant",
    description: `refresh_token ${spent} is revoked`,
  });
  const aRow = await h.db.owner.query<{ id: string }>(`SELECT id FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL`, [
    member.tenantId,
  ]);
  await h.makeDue(aRow.rows[0]!.id);
  await refreshDueTikTokTokens({ client: h.db.app });
  // Check now and a disconnect with revoke.
  const d = { client: h.db.app };
  const bToken = await h.db.owner.query<{ id: string; social_identity_id: string }>(
    `SELECT t.id, t.social_identity_id FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id WHERE s.external_user_id = $1 AND t.deleted_at IS NULL`,
    [b],
  );
  await asMember(other.userId, { slug: other.slug }, "connections.manage", (x) => manage.checkTokenNow(x, bToken.rows[0]!.id, d), d);
  await asMember(
    other.userId,
    { slug: other.slug },
    "connections.manage",
    (x) => manage.disconnectIdentityAsMember(x, { identityId: bToken.rows[0]!.social_identity_id, revokeAtPlatform: true }, d),
    d,
  );
});

afterAll(async () => {
  restore?.();
  await h?.close();
});

async function issued(): Promise<string[]> {
  const t = await h.tiktok.tokens();
  const all = [...t.access.map((x) => x.token), ...t.refresh.map((x) => x.token)];
  // Not vacuous: connects and several rotations happened.
  expect(t.refresh.filter((r) => r.rotated).length).toBeGreaterThanOrEqual(4);
  expect(all.length).toBeGreaterThan(14);
  return all;
}

describe("TikTok tokens at rest", () => {
  it("no issued access or refresh token in any column of any table, nor inside any bytea", async () => {
    const tables = await h.db.owner.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { table_name } of tables.rows) {
      const { rows } = await h.db.owner.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      dump.push(...rows.map((r) => `${table_name} ${r.row}`));
    }
    const text = dump.join("\n");
    expect(text).toContain("tiktok.connected");
    expect(text).toContain("tiktok.refresh_failed");
    const tokens = await issued();
    const hits = tokens.filter(
      (t) =>
        text.includes(t) ||
        text.includes(t.slice(4, 30)) ||
        text.includes(Buffer.from(t).toString("hex")) ||
        text.includes(Buffer.from(t).toString("base64")),
    );
    expect(hits).toEqual([]);
    expect(text).not.toContain(TIKTOK_CLIENT_SECRET);
    const inBytes = await h.db.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ad_tokens a, unnest($1::text[]) AS tok
        WHERE position(convert_to(tok, 'UTF8') in a.ciphertext) > 0
           OR position(convert_to(tok, 'UTF8') in COALESCE(a.refresh_ciphertext, '\\x'::bytea)) > 0`,
      [tokens],
    );
    expect(inBytes.rows).toEqual([{ n: 0 }]);
  });

  it("every active row's two ciphertexts decrypt to a token TikTok issued for it; soft-deleted rows hold neither", async () => {
    const tokens = new Set(await issued());
    const { rows } = await h.db.owner.query<{
      tenant_id: string;
      key_id: string;
      ciphertext: Buffer;
      refresh_ciphertext: Buffer | null;
      deleted: boolean;
    }>(
      `SELECT tenant_id, key_id, ciphertext, refresh_ciphertext, deleted_at IS NOT NULL AS deleted FROM ad_tokens WHERE platform = 'tiktok'`,
    );
    const deleted = rows.filter((r) => r.deleted);
    expect(deleted.length).toBeGreaterThanOrEqual(2);
    expect(deleted.every((r) => r.ciphertext.length === 0 && r.refresh_ciphertext === null)).toBe(true);
    const live = rows.filter((r) => !r.deleted);
    expect(live.length).toBeGreaterThanOrEqual(2);
    for (const r of live) {
      expect(tokens.has(decryptToken(r.tenant_id, { ciphertext: r.ciphertext, keyId: r.key_id }))).toBe(true);
      expect(tokens.has(decryptToken(r.tenant_id, { ciphertext: r.refresh_ciphertext!, keyId: r.key_id }))).toBe(true);
    }
  });
});

describe("logs and process output", () => {
  it("hold the run's TikTok events and no issued token or client secret", async () => {
    const events = new Set(logLines.map((l) => (JSON.parse(l) as { event: string }).event));
    for (const e of ["tiktok.connect.succeeded", "tiktok.refresh.retry_later", "tiktok.refresh.dead", "tiktok.refresh.finished"])
      expect(events).toContain(e);
    const tokens = await issued();
    const everything = [...logLines, ...written].join("\n");
    expect(tokens.filter((t) => everything.includes(t) || everything.includes(t.slice(4, 30)))).toEqual([]);
    expect(everything).not.toContain(TIKTOK_CLIENT_SECRET);
  });
});
