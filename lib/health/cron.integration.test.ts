import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/cron/check-tokens/route";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { authorizeCron } from "../http/cron-route";
import { setLogSink } from "../log/logger";
import { seedEncryptedTokens } from "../../test/support/seed-tokens";

/** The cron route handler, called as Vercel Cron would (GET + Authorization: Bearer $CRON_SECRET). */

const SECRET = "cron-secret-for-tests-0123456789";
let h: ConnectHarness;

beforeAll(async () => {
  h = await startConnectHarness();
  h.setEnv({ CRON_SECRET: SECRET });
});

afterAll(async () => {
  await h?.close();
});

const call = (authorization?: string) =>
  GET(new Request("http://localhost/api/cron/check-tokens", { headers: authorization === undefined ? {} : { authorization } }));

describe("GET /api/cron/check-tokens", () => {
  it("answers 401 without a bearer, with a wrong one, or with a near miss; nothing is checked", async () => {
    const m = await h.seedMember();
    const tokens = await h.control.mintTokens({ count: 2, type: "PAGE" });
    await seedEncryptedTokens(
      h.db.owner,
      m,
      tokens.map((token) => ({ token, type: "page" })),
    );
    await h.control.resetStats();
    for (const header of [undefined, "", "Bearer wrong", `Bearer ${SECRET}x`, `bearer ${SECRET}`, SECRET, `Basic ${SECRET}`]) {
      const res = await call(header);
      expect(res.status, String(header)).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "Unauthorized." } });
    }
    expect((await h.control.stats()).graphRequests).toBe(0);
  });

  it("answers 200 with counts only for the right bearer", async () => {
    const res = await call(`Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ checked: 2, active: 2, stoppedReason: "done" });
    // Counts and the stop reason, nothing else (no ids, no tokens).
    for (const [k, v] of Object.entries(body)) expect(typeof v === "number" || k === "stoppedReason", k).toBe(true);
    expect((await h.control.stats()).batchedByPath["/debug_token"]).toBe(2);
  });

  it("answers 503 when CRON_SECRET is not set: nothing about the configuration to the caller, what to set in the log", async () => {
    h.setEnv({ CRON_SECRET: undefined, LOG_LEVEL: "error" });
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    try {
      const res = await call(`Bearer ${SECRET}`);
      expect(res.status).toBe(503);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = JSON.stringify(await res.json());
      expect(body).not.toMatch(/CRON_SECRET/);
      expect(lines.join("\n")).toMatch(/CRON_SECRET is not set/);
    } finally {
      setLogSink(null);
      h.setEnv({ CRON_SECRET: SECRET, LOG_LEVEL: "silent" });
    }
  });

  it("authorizeCron compares the whole header", () => {
    expect(authorizeCron(`Bearer ${SECRET}`, SECRET)).toEqual({ ok: true });
    expect(authorizeCron(`Bearer ${SECRET.slice(0, -1)}`, SECRET)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeCron(null, SECRET)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeCron(`Bearer `, undefined)).toMatchObject({ ok: false, status: 503 });
  });
});
