import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConnectHarness, type ConnectHarness, type Member } from "../../test/support/connect-harness";
import { withMembership } from "../tenancy/membership";
import { loadDashboardData } from "../workspace/dashboard-data";
import { parseDashboardQuery } from "../workspace/dashboard-query";
import { describeWarning } from "../health/expiry-warnings";
import { listAuditPage } from "../audit/audit-log";
import { withTenant } from "../db/tenant-transaction";
import { auditSummary } from "../../components/audit-labels";

/**
 * One member, two Facebook logins in one workspace: the second connect replaces the first login's user token (one
 * per member, workspace and platform) and says so; the first login's Pages keep their Page tokens; the dashboard
 * names the connected login, shows on the first login's card and in the banner which login replaced it; the audit
 * event names both.
 */

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
afterAll(async () => {
  await h?.close();
});

async function dashboard(member: Member) {
  const res = await withMembership(
    member.userId,
    { tenantId: member.tenantId },
    "workspace.view",
    (tx) => loadDashboardData(tx, { userId: member.userId, query: parseDashboardQuery({}), warningDays: 7 }),
    { client: h.db.app },
  );
  if (!res.ok) throw new Error("not a member");
  return res.value;
}

describe("a second Facebook login for the same member", () => {
  it("replaces only the user token, keeps the first login's Page tokens, and is named everywhere", async () => {
    const alice = await h.createPerson({ pages: 3, name: "First Login" });
    const bob = await h.createPerson({ pages: 2, name: "Second Login" });
    const member = await h.seedMember();

    const first = await h.connect(member, alice.id);
    if (!first.ok) throw new Error(first.error.userMessage);
    expect(first.saved.replacedLogins).toBe(0);
    const second = await h.connect(member, bob.id);
    if (!second.ok) throw new Error(second.error.userMessage);
    expect(second.saved.replacedLogins).toBe(1);

    const { rows: tokens } = await h.db.owner.query<{ name: string; token_type: string; active: number }>(
      `SELECT s.name, t.token_type, count(*) FILTER (WHERE t.deleted_at IS NULL)::int AS active
         FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
        WHERE t.tenant_id = $1 GROUP BY s.name, t.token_type ORDER BY s.name, t.token_type::text`,
      [member.tenantId],
    );
    expect(tokens).toEqual([
      { name: "First Login", token_type: "page", active: 3 },
      { name: "First Login", token_type: "user", active: 0 },
      { name: "Second Login", token_type: "page", active: 2 },
      { name: "Second Login", token_type: "user", active: 1 },
    ]);
    // The first login's Page tokens are still the ones Facebook accepts.
    const live = await h.control.tokens({ person: alice.id, type: "PAGE" });
    expect(live.filter((t) => t.valid)).toHaveLength(3);

    const data = await dashboard(member);
    expect(data.attempt).toMatchObject({ outcome: "succeeded", identityName: "Second Login" });
    expect(data.attempt!.message).toMatch(/replaced the user token of the other Facebook login/);
    expect(data.pages.tenantTotal).toBe(5);
    const firstCard = data.identities.find((i) => i.name === "First Login")!;
    const secondCard = data.identities.find((i) => i.name === "Second Login")!;
    expect(firstCard.userToken).toBeNull();
    expect(firstCard.replacedBy).toEqual({ id: secondCard.id, name: "Second Login" });
    expect(firstCard.pageCount).toBe(3);
    expect(secondCard.replacedBy).toBeNull();
    const warning = data.warnings.warnings.find((w) => w.kind === "user_token_replaced")!;
    expect(warning).toMatchObject({ socialIdentityId: firstCard.id, pagesAffected: 3 });
    expect(describeWarning(warning, data.warnings.now)).toMatch(
      /First Login's user token was replaced when Second Login's login was connected/,
    );

    const { rows: audit } = await h.db.owner.query(
      `SELECT actor_user_id, target_id, details FROM audit_events WHERE tenant_id = $1 AND action = 'facebook.user_token_replaced'`,
      [member.tenantId],
    );
    expect(audit).toEqual([
      {
        actor_user_id: member.userId,
        target_id: firstCard.id,
        details: { replacedBySocialIdentityId: secondCard.id, pageTokensKept: true },
      },
    ]);
    // The audit view names both logins: the replaced one as the target, the replacing one in the summary.
    const page = await withTenant(member.tenantId, (tx) => listAuditPage(tx, { page: 1, pageSize: 50 }), { client: h.db.app });
    const event = page.rows.find((r) => r.action === "facebook.user_token_replaced")!;
    expect(event).toMatchObject({ targetName: "First Login", relatedName: "Second Login" });
    expect(auditSummary(event.action, event.details, event.relatedName)).toBe("by Second Login's login; its Page tokens keep working");
  });

  it("reconnecting the same login is a rotation, not a replacement", async () => {
    const person = await h.createPerson({ pages: 1, name: "Same Login" });
    const member = await h.seedMember();
    expect((await h.connect(member, person.id)).ok).toBe(true);
    const again = await h.connect(member, person.id);
    if (!again.ok) throw new Error(again.error.userMessage);
    expect(again.saved.replacedLogins).toBe(0);
    const data = await dashboard(member);
    expect(data.identities.map((i) => i.replacedBy)).toEqual([null]);
    expect(data.warnings.warnings).toEqual([]);
    const { rows } = await h.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'facebook.user_token_replaced'`,
      [member.tenantId],
    );
    expect(rows[0].n).toBe(0);
  });
});
