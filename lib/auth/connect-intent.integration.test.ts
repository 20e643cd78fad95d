import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { startConnectHarness, HARNESS_AUTH_SECRET, type ConnectHarness } from "../../test/support/connect-harness";
import { checkConnectIntent, consumeConnectIntent, signConnectIntent } from "./connect-intent";

/**
 * Security finding: the connect-intent cookie was single-use only in the browser (the callback deleted it), so a
 * copied cookie could be replayed. Each intent now has an id the callback records before connecting anything.
 */

let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
});

afterAll(async () => {
  await h?.close();
});

const used = async () => (await h.db.owner.query(`SELECT intent_id, user_id FROM used_connect_intents ORDER BY intent_id`)).rows;

describe("connect intent", () => {
  it("is accepted once on the server; a second use of the same cookie is refused and records nothing more", async () => {
    const m = await h.seedMember();
    const cookie = signConnectIntent({ tenantId: m.tenantId, userId: m.userId });
    const check = checkConnectIntent(cookie);
    if (check.state !== "valid") throw new Error("expected a valid intent");
    expect(await consumeConnectIntent(check.intent, h.db.app)).toBe(true);
    const after = await used();
    expect(after).toContainEqual({ intent_id: check.intent.id, user_id: m.userId });
    const again = checkConnectIntent(cookie);
    if (again.state !== "valid") throw new Error("expected a valid intent");
    expect(await consumeConnectIntent(again.intent, h.db.app)).toBe(false);
    expect(await used()).toEqual(after);
    // Two intents are two ids.
    const other = checkConnectIntent(signConnectIntent({ tenantId: m.tenantId, userId: m.userId }));
    expect(other.state === "valid" && other.intent.id !== check.intent.id).toBe(true);
  });

  it("an authentic cookie without an id (issued before this change) is invalid", () => {
    const key = createHmac("sha256", HARNESS_AUTH_SECRET).update("connect-intent/v1").digest();
    const payload = Buffer.from(JSON.stringify({ tenantId: "t", userId: "u", exp: Math.floor(Date.now() / 1000) + 60 })).toString(
      "base64url",
    );
    const sig = createHmac("sha256", key).update(payload).digest("base64url");
    expect(checkConnectIntent(`${payload}.${sig}`)).toEqual({ state: "invalid" });
  });
});
