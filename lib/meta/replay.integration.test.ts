import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as deauthorize } from "@/app/api/facebook/deauthorize/route";
import { POST as dataDeletion } from "@/app/api/facebook/data-deletion/route";
import { startConnectHarness, HARNESS_APP_SECRET, type ConnectHarness } from "../../test/support/connect-harness";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";
import { signRequest } from "./signed-request";

/**
 * Security finding: Meta's signed_request could be replayed for its whole 24-hour window. A replayed deauthorize
 * after a reconnect deleted the new connection; each data-deletion replay added a confirmation row. Now a replay is
 * answered as the first was and changes nothing.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

const nowSec = () => Math.floor(Date.now() / 1000);
const signed = (userId: string) => signRequest({ algorithm: "HMAC-SHA256", issued_at: nowSec() - 5, user_id: userId }, HARNESS_APP_SECRET);

function post(handler: (r: Request) => Promise<Response>, signedRequest: string, path: string) {
  const body = new URLSearchParams({ signed_request: signedRequest });
  return handler(new Request(`http://localhost:3000${path}`, { method: "POST", body }));
}

async function snapshot(): Promise<unknown> {
  const q = async (sql: string) => (await h.db.owner.query(sql)).rows;
  return {
    tokens: await q(`SELECT id, deleted_at, status FROM ad_tokens ORDER BY id`),
    identities: await q(`SELECT id, name, picture_url, deleted_at FROM social_identities ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events`),
    deletions: await q(`SELECT confirmation_code FROM data_deletion_requests ORDER BY confirmation_code`),
  };
}

async function connectPerson(ext: string) {
  const m = await h.seedMember();
  const { ids } = await seedEncryptedTokens(h.db.owner, { ...m, externalUserId: ext, identityName: `Person ${ext}` }, [
    { token: `tok-${ext}-${Math.random()}`, type: "page" as const },
  ]);
  return { m, ids };
}

describe("signed_request replay", () => {
  it("a replayed deauthorize after a reconnect answers as the first and leaves the new connection alone", async () => {
    const ext = String(8_000_000 + Math.floor(Math.random() * 1_000_000));
    const first = await connectPerson(ext);
    const request = signed(ext);
    const res1 = await post(deauthorize, request, "/api/facebook/deauthorize");
    expect(res1.status).toBe(200);
    const body1 = await res1.text();
    const { rows } = await h.db.owner.query(`SELECT count(*)::int AS n FROM ad_tokens WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`, [
      first.ids,
    ]);
    expect(rows[0]).toEqual({ n: 0 });

    // The person reconnects (a new identity and token in another workspace).
    await connectPerson(ext);
    const before = await snapshot();
    const res2 = await post(deauthorize, request, "/api/facebook/deauthorize");
    expect(res2.status).toBe(200);
    expect(await res2.text()).toBe(body1);
    expect(await snapshot()).toEqual(before);
  });

  it("a replayed data deletion answers with the same confirmation code and adds no row", async () => {
    const ext = String(8_000_000 + Math.floor(Math.random() * 1_000_000));
    await connectPerson(ext);
    const request = signed(ext);
    const res1 = await post(dataDeletion, request, "/api/facebook/data-deletion");
    expect(res1.status).toBe(200);
    const first = (await res1.json()) as { url: string; confirmation_code: string };
    await connectPerson(ext);
    const before = await snapshot();
    for (let i = 0; i < 3; i++) {
      const res = await post(dataDeletion, request, "/api/facebook/data-deletion");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(first);
    }
    expect(await snapshot()).toEqual(before);
    // A new request (new issued_at → new signature) from Meta is processed.
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = (await (await post(dataDeletion, signed(ext), "/api/facebook/data-deletion")).json()) as { confirmation_code: string };
    expect(fresh.confirmation_code).not.toBe(first.confirmation_code);
  });
});
