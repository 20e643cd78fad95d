import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";
import { ensureAppLoginRole, withCredentials } from "./provision";
import { closePrismaClient, createPrismaClient, type Db } from "./client";
import { inspectRole } from "./assert-app-role";
import { assertDatabaseReady } from "./database-ready";
import { withTenant, withUser } from "./tenant-transaction";

// The demo's database: PGlite behind pglite-socket, migrated, the app connected as a non-owner role via SET ROLE.
describe("embedded PostgreSQL (npm run demo without DATABASE_URL)", () => {
  let dir: string;
  let pg: EmbeddedPostgres;
  let app: Db;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "pglite-"));
    pg = await startEmbeddedPostgres({ dataDir: dir, port: 10000 + Math.floor(Math.random() * 3000) }); // below Linux's ephemeral range (32768–60999): no outgoing connection holds it
    const first = await migrate(pg.ownerUrl);
    expect(first.applied.length).toBeGreaterThan(0);
    await ensureAppLoginRole(pg.ownerUrl, "social_demo", "x");
    app = createPrismaClient(withCredentials(pg.ownerUrl, "social_demo", "x"), {
      max: 1,
      setRole: "social_demo",
      statementTimeoutMs: 5000,
    });
  }, 120_000);

  afterAll(async () => {
    await closePrismaClient(app);
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("migrations apply once: a second run applies nothing", async () => {
    // The app's pool of one holds PGlite's only session; release it for the migrator.
    await closePrismaClient(app);
    const again = await migrate(pg.ownerUrl);
    expect(again.applied).toEqual([]);
    app = createPrismaClient(withCredentials(pg.ownerUrl, "social_demo", "x"), {
      max: 1,
      setRole: "social_demo",
      statementTimeoutMs: 5000,
    });
  });

  test("the app runs as a role that cannot bypass row-level security", async () => {
    await expect(inspectRole(app)).resolves.toBeUndefined();
    // The demo passes the same start-up checks as a server: in social_app, every migration applied.
    await expect(assertDatabaseReady(app)).resolves.toBeUndefined();
    const [who] = await app.$queryRaw<{ u: string }[]>`SELECT current_user AS u`;
    expect(who?.u).toBe("social_demo");
  });

  test("tenant context isolates rows exactly as on a server", async () => {
    const userId = randomUUID();
    // A person is created in their own context (RLS on users: the app role reads and writes only its own row).
    await withUser(userId, (tx) => tx.user.create({ data: { id: userId, name: "Demo" } }), { client: app });
    for (const t of [tenantA, tenantB]) {
      await withTenant(
        t,
        async (tx) => {
          await tx.tenant.create({ data: { id: t, slug: `demo-${t.slice(0, 8)}`, name: "Demo" } });
          await tx.membership.create({ data: { tenantId: t, userId, role: "owner" } });
          await tx.auditEvent.create({ data: { tenantId: t, action: "seeded", targetType: "tenant" } });
        },
        { client: app },
      );
    }
    expect(await withTenant(tenantA, (tx) => tx.auditEvent.count(), { client: app })).toBe(1);
    expect(await app.auditEvent.count()).toBe(0); // no context → no rows
    await expect(
      withTenant(tenantA, (tx) => tx.auditEvent.create({ data: { tenantId: tenantB, action: "x", targetType: "tenant" } }), {
        client: app,
      }),
    ).rejects.toThrow();
    expect(await withTenant(tenantB, (tx) => tx.auditEvent.count(), { client: app })).toBe(1);
  });
});
