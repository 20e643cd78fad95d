import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { seedTenant, seedTokens } from "../../test/support/fixtures";
import { withTenant } from "../db/tenant-transaction";
import { disconnectIdentity } from "./disconnect";

/**
 * Two members of one tenant share a Page. While member 1's connect is giving the Page a new token (not yet
 * committed), member 2 disconnects their own Facebook identity, whose token was the Page's only active one.
 * The Page must stay listed: once member 1's connect commits it has an active token again.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

it("a Page is never hidden while a concurrent connect is giving it an active token", async () => {
  const member2 = await seedTenant(db.owner);
  const member1Id = randomUUID();
  await db.owner.query(`INSERT INTO users (id, name) VALUES ($1, 'Member 1')`, [member1Id]);
  await db.owner.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [member2.tenantId, member1Id]);
  const shared = await seedTokens(db.owner, member2, 1); // member 2's identity, one Page, its page token
  const pageId = shared.pageIds[0]!;
  const identity1 = randomUUID();
  await db.owner.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id) VALUES ($1, $2, $3, 'facebook', 'ext-member-1')`,
    [identity1, member2.tenantId, member1Id],
  );

  // Member 1's connect, as the app role, paused before COMMIT: it has upserted the Page and inserted its token.
  const connect = new pg.Client({ connectionString: db.appUrl });
  await connect.connect();
  try {
    await connect.query("BEGIN");
    await connect.query(`SELECT set_config('app.tenant_id', $1, true)`, [member2.tenantId]);
    await connect.query(`UPDATE facebook_pages SET updated_at = now(), deleted_at = NULL WHERE id = $1`, [pageId]);
    await connect.query(
      `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, facebook_page_id, ciphertext, key_id)
       VALUES ($1, $2, 'facebook', 'page', $3, $4, '\\x01', 'k1')`,
      [member2.tenantId, member1Id, identity1, pageId],
    );

    // Member 2 disconnects meanwhile; it must wait for the connect rather than decide on a stale view.
    const disconnect = withTenant(member2.tenantId, (tx) => disconnectIdentity(tx, member2.tenantId, member2.userId, shared.identityId), {
      client: db.app,
    });
    // Give it time to reach the Page (it then waits on the connect's row lock, with or without the fix).
    await new Promise((r) => setTimeout(r, 300));
    await connect.query("COMMIT");
    const result = await disconnect;

    expect(result).toMatchObject({ identities: 1, tokens: 2, pages: 0 });
  } finally {
    await connect.end();
  }
  const { rows } = await db.owner.query<{ deleted_at: Date | null; active: number }>(
    `SELECT p.deleted_at, (SELECT count(*)::int FROM ad_tokens t WHERE t.facebook_page_id = p.id AND t.deleted_at IS NULL) AS active
     FROM facebook_pages p WHERE p.id = $1`,
    [pageId],
  );
  expect(rows).toEqual([{ deleted_at: null, active: 1 }]);
});
