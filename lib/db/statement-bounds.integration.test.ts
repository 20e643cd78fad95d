import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { POST as disconnectPage } from "@/app/api/t/[slug]/pages/[pageId]/disconnect/route";
import { POST as createWorkspace } from "@/app/api/t/route";
import { GET as cron } from "@/app/api/cron/check-tokens/route";
import { POST as deauthorize } from "@/app/api/facebook/deauthorize/route";
import { signRequest } from "../meta/signed-request";
import { HARNESS_APP_SECRET } from "../../test/support/connect-harness";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { sessionCookie } from "../../test/support/session";
import { withTenant } from "./tenant-transaction";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./unavailable";
import { closePrismaClient, createPrismaClient } from "./client";
import { setLogSink } from "../log/logger";

/**
 * No statement runs forever. A lock held elsewhere (a migration, a stuck job, an operator's open transaction) used
 * to hold the pool's connections for as long as the lock lasted. Now a request path's statement is cancelled by
 * PostgreSQL past DATABASE_STATEMENT_TIMEOUT_MS, the route answers 503 + Retry-After in the one error format, other
 * requests keep working, and nothing was written. A transaction past its own timeout cancels what it is running.
 */

let h: ConnectHarness;

beforeAll(async () => {
  // The app's client (db()) gets a 1-second statement bound from the environment, like a deployment would.
  h = await startConnectHarness({ env: { DATABASE_STATEMENT_TIMEOUT_MS: "1000", LOG_LEVEL: "warn" } });
});

afterAll(async () => {
  await h?.close();
});

const ORIGIN = "http://localhost:3000";
const post = (path: string, cookie: string, body = "{}") =>
  new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "sec-fetch-site": "same-origin", cookie },
    body,
  });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

async function connected() {
  const member = await h.seedMember("owner");
  const person = await h.createPerson({ pages: 2 });
  const res = await h.connect(member, person.id);
  if (!res.ok) throw new Error("connect failed");
  const { rows } = await h.db.owner.query<{ facebook_page_id: string }>(
    `SELECT facebook_page_id FROM ad_tokens WHERE tenant_id = $1 AND token_type = 'page' AND deleted_at IS NULL ORDER BY 1`,
    [member.tenantId],
  );
  return { member, pageIds: rows.map((r) => r.facebook_page_id), cookie: await sessionCookie(member.userId) };
}

async function state(tenantId: string) {
  const q = async (sql: string) => (await h.db.owner.query(sql, [tenantId])).rows;
  return {
    tokens: await q(`SELECT id, status, deleted_at, ciphertext FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    pages: await q(`SELECT id, deleted_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1`),
  };
}

/** Statements of the app role waiting for a lock right now. */
async function waitingOnLocks(role: string): Promise<number> {
  const { rows } = await h.db.owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`,
    [role],
  );
  return rows[0]!.n;
}

/** Opens a transaction on the owner connection that locks the tenant's token rows until release() is called. */
async function holdTokenLocks(tenantId: string): Promise<{ release: () => Promise<void> }> {
  const holder: pg.PoolClient = await h.db.owner.connect();
  await holder.query("BEGIN");
  await holder.query(`SELECT id FROM ad_tokens WHERE tenant_id = $1 FOR UPDATE`, [tenantId]);
  return {
    async release() {
      await holder.query("ROLLBACK");
      holder.release();
    },
  };
}

describe("statement bounds", () => {
  it("a route whose statement waits on a held lock is cancelled at the bound: 503 + Retry-After, one format, nothing written; other requests keep working", async () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    const stalled = await connected();
    const other = await connected();
    const before = await state(stalled.member.tenantId);
    const otherBefore = await state(other.member.tenantId);
    const lock = await holdTokenLocks(stalled.member.tenantId);
    try {
      const res = await disconnectPage(
        post(`/api/t/${stalled.member.slug}/pages/${stalled.pageIds[0]}/disconnect`, stalled.cookie),
        params({ slug: stalled.member.slug, pageId: stalled.pageIds[0]! }),
      );
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("30");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({
        error: {
          code: "database_unavailable",
          message: "We can't reach our database right now; nothing was changed. Try again in a minute.",
        },
      });
      // The statement was cancelled, not left waiting behind the lock (which is still held).
      expect(await waitingOnLocks(h.db.appRole)).toBe(0);

      // Several stalled requests at once do not starve the pool (5 connections): another workspace still works.
      const stalledAgain = await Promise.all(
        Array.from({ length: 6 }, () =>
          disconnectPage(
            post(`/api/t/${stalled.member.slug}/pages/${stalled.pageIds[1]}/disconnect`, stalled.cookie),
            params({ slug: stalled.member.slug, pageId: stalled.pageIds[1]! }),
          ),
        ),
      );
      expect(stalledAgain.map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503]);
      const fine = await disconnectPage(
        post(`/api/t/${other.member.slug}/pages/${other.pageIds[0]}/disconnect`, other.cookie),
        params({ slug: other.member.slug, pageId: other.pageIds[0]! }),
      );
      expect(fine.status).toBe(200);
      const created = await createWorkspace(post(`/api/t`, other.cookie, JSON.stringify({ name: "Still working" })), params({}));
      expect(created.status).toBe(200);
    } finally {
      await lock.release();
      setLogSink(null);
    }
    // Nothing of the stalled requests was written; the other workspace's disconnect was.
    expect(await state(stalled.member.tenantId)).toEqual(before);
    expect(await state(other.member.tenantId)).not.toEqual(otherBefore);
    // Logged as the database being unavailable (with why), not as an unhandled bug.
    expect(lines.some((l) => l.includes("http.database_unavailable") && l.includes("time limit"))).toBe(true);
    expect(lines.some((l) => l.includes("http.unhandled"))).toBe(false);

    // Once the lock is gone the same request succeeds.
    const after = await disconnectPage(
      post(`/api/t/${stalled.member.slug}/pages/${stalled.pageIds[0]}/disconnect`, stalled.cookie),
      params({ slug: stalled.member.slug, pageId: stalled.pageIds[0]! }),
    );
    expect(after.status).toBe(200);
  });

  it("a transaction past its timeout cancels the statement it is running (no per-statement bound to help it)", async () => {
    const member = await h.seedMember("owner");
    // A lock on the whole table so the statement below must wait.
    const holder = await h.db.owner.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE");
    try {
      const err = await withTenant(member.tenantId, (tx) => tx.$executeRaw`SELECT count(*) FROM audit_events`, {
        client: h.db.app,
        timeoutMs: 1000,
        statementTimeoutMs: 600_000,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      // Rejected because the statement was cancelled: nothing of ours is still waiting behind the lock.
      expect(await waitingOnLocks(h.db.appRole)).toBe(0);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
  });

  it("an unreachable database is recognised as unavailable (connection refused), not as a bug", async () => {
    const nowhere = createPrismaClient("postgresql://nobody@127.0.0.1:9/none", { max: 1, connectTimeoutMs: 2000 });
    try {
      const err = await withTenant("00000000-0000-4000-8000-000000000000", (tx) => tx.$executeRaw`SELECT 1`, { client: nowhere }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await closePrismaClient(nowhere);
    }
  });

  it("with the database down, the cron route and Meta's deauthorize callback answer 503 + Retry-After (Meta retries), not 500; nothing written", async () => {
    const member = await connected();
    const before = await state(member.member.tenantId);
    h.setEnv({ CRON_SECRET: "statement-bounds-cron-secret-0123" });
    const identity = await h.db.owner.query<{ external_user_id: string }>(
      `SELECT external_user_id FROM social_identities WHERE tenant_id = $1`,
      [member.member.tenantId],
    );
    const body = new URLSearchParams({
      signed_request: signRequest(
        { algorithm: "HMAC-SHA256", issued_at: Math.floor(Date.now() / 1000), user_id: identity.rows[0]!.external_user_id },
        HARNESS_APP_SECRET,
      ),
    });
    await h.db.setAvailable(false);
    try {
      const sweep = await cron(
        new Request(`${ORIGIN}/api/cron/check-tokens`, { headers: { authorization: "Bearer statement-bounds-cron-secret-0123" } }),
      );
      expect(sweep.status).toBe(503);
      expect(sweep.headers.get("retry-after")).toBe("30");
      expect(((await sweep.json()) as { error: { code: string } }).error.code).toBe("database_unavailable");
      const meta = await deauthorize(
        new Request(`${ORIGIN}/api/facebook/deauthorize`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        }),
      );
      expect(meta.status).toBe(503);
      expect(meta.headers.get("retry-after")).toBe("30");
    } finally {
      await h.db.setAvailable(true);
    }
    expect(await state(member.member.tenantId)).toEqual(before);
  });
});
