import type { Page } from "@playwright/test";
import type pg from "pg";
import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

function slugOf(page: Page): string {
  const m = /\/t\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a tenant dashboard: ${page.url()}`);
  return m[1];
}

async function emailOf(sql: pg.Pool, slug: string): Promise<string> {
  const { rows } = await sql.query<{ email: string }>(
    `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1 AND m.role = 'owner'`,
    [slug],
  );
  if (!rows[0]?.email) throw new Error(`no owner email for ${slug}`);
  return rows[0].email;
}

/** Makes the owner of workspace `fromSlug` a member of `toSlug` with the role (behind the app's back). */
async function addMembership(sql: pg.Pool, toSlug: string, fromSlug: string, role: "admin" | "member"): Promise<void> {
  await sql.query(
    `INSERT INTO memberships (tenant_id, user_id, role)
     SELECT t.id, m.user_id, $3 FROM tenants t, memberships m JOIN tenants f ON f.id = m.tenant_id
     WHERE t.slug = $1 AND f.slug = $2 AND m.role = 'owner'`,
    [toSlug, fromSlug, role],
  );
}

async function tenantRows(sql: pg.Pool, slug: string) {
  const { rows } = await sql.query<{ tenant_id: string }>(`SELECT id AS tenant_id FROM tenants WHERE slug = $1`, [slug]);
  const tenantId = rows[0]?.tenant_id as string;
  const q = async (text: string) => (await sql.query(text, [tenantId])).rows;
  return {
    tenantId,
    pages: await q(`SELECT id, name, deleted_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY name`),
    tokens: await q(`SELECT id, status, deleted_at, last_checked_at, updated_at FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`),
    identities: await q(`SELECT id, deleted_at FROM social_identities WHERE tenant_id = $1`),
    memberships: await q(`SELECT user_id, role, deleted_at FROM memberships WHERE tenant_id = $1 ORDER BY created_at`),
  };
}

test("a member only views: no check/disconnect buttons, forged actions refused with nothing changed; the owner can disconnect", async ({
  page,
  browser,
  fb,
  sql,
}) => {
  // Owner A with three Pages; B signs up on their own, then A adds B to A's workspace as a member.
  const a = await newPerson(fb);
  await signUpWithFacebook(page, a.name);
  const slugA = slugOf(page);
  const b = await newPerson(fb, { pages: [] });
  const contextB = await browser.newContext({ baseURL: E2E.appUrl });
  const pageB = await contextB.newPage();
  try {
    await signUpWithFacebook(pageB, b.name);
    const slugB = slugOf(pageB);
    const bEmail = await emailOf(sql, slugB);

    // B joins A's workspace as a member (the invitation flow itself is in team.spec.ts).
    await addMembership(sql, slugA, slugB, "member");
    await page.goto(`/t/${slugA}/members`);
    await expect(page.getByTestId("member-row").filter({ hasText: b.name }).getByLabel(`Role of ${b.name}`)).toHaveValue("member");
    await expect(page.getByTestId("member-row").filter({ hasText: a.name }).getByTestId("member-role")).toHaveText("Owner");

    // B now has two workspaces; in A's, B sees the Pages but no buttons that change anything.
    await pageB.goto(`/t/${slugA}`);
    await expect(pageB.getByTestId("current-tenant")).toHaveText(`${a.name}'s workspace`);
    await expect(pageB.getByTestId("page-row")).toHaveCount(3);
    await expect(pageB.getByRole("button", { name: "Check now" })).toHaveCount(0);
    await expect(pageB.getByRole("button", { name: "Disconnect" })).toHaveCount(0);
    await expect(pageB.getByRole("button", { name: "Connect Facebook" })).toHaveCount(0);
    await expect(pageB.getByRole("button", { name: "Reconnect" })).toHaveCount(0);
    await expect(pageB.getByText("View only").first()).toBeVisible();
    await pageB.getByTestId("tenant-switcher").locator("summary").click();
    await expect(pageB.getByTestId("tenant-switcher").getByRole("link")).toHaveCount(2);
    await pageB.goto(`/t/${slugA}/members`);
    await expect(pageB.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
    await expect(pageB.getByRole("button", { name: "Remove" })).toHaveCount(0);
    await expect(pageB.getByText("Only owners and admins can invite people.")).toBeVisible();

    // B forges the requests the buttons would send: refused (403, in words), nothing changed.
    const before = await tenantRows(sql, slugA);
    const pageId = (before.pages[0] as { id: string }).id;
    const tokenId = (before.tokens[0] as { id: string }).id;
    const identityId = (before.identities[0] as { id: string }).id;
    const forged = [
      await pageB.request.post(`/api/t/${slugA}/pages/${pageId}/disconnect`, { data: {} }),
      await pageB.request.post(`/api/t/${slugA}/tokens/${tokenId}/check`, { data: {} }),
      await pageB.request.post(`/api/t/${slugA}/identities/${identityId}/disconnect`, { data: { revokeAtPlatform: true } }),
    ];
    for (const res of forged) {
      expect(res.status()).toBe(403);
      expect((await res.json()) as unknown).toEqual({
        error: { code: "forbidden", message: expect.stringContaining("Only owners and admins") },
      });
    }
    const addSelf = await pageB.request.post(`/api/t/${slugA}/invitations`, { data: { email: bEmail, role: "owner" } });
    expect(addSelf.status()).toBe(403);
    expect(await addSelf.text()).toContain("Only owners and admins can invite people");
    // The Connect Facebook action refuses a member too (no connect intent, still here).
    await pageB.goto(`/t/${slugA}`);
    expect(await tenantRows(sql, slugA)).toEqual(before);
    expect((await fb.tokens({ person: a.id })).filter((t) => t.valid).length).toBeGreaterThan(0);

    // The owner can disconnect; B's view follows.
    const name = (before.pages[0] as { name: string }).name;
    const row = page.getByTestId("page-row").filter({ has: page.getByText(name, { exact: true }) });
    await page.goto(`/t/${slugA}`);
    await row.getByRole("button", { name: "Disconnect" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect Page" }).click();
    await expect(page.getByRole("heading", { name: "Pages (2)" })).toBeVisible();
    const after = await tenantRows(sql, slugA);
    expect(after.pages.find((p) => (p as { id: string }).id === pageId)).toMatchObject({ deleted_at: expect.any(Date) });
    await pageB.reload();
    await expect(pageB.getByTestId("page-row")).toHaveCount(2);
    await expect(pageB.getByText(name, { exact: true })).toHaveCount(0);
  } finally {
    await contextB.close();
  }
});

test("an admin may check and disconnect but not invite owners or admins", async ({ page, browser, fb, sql }) => {
  const a = await newPerson(fb);
  await signUpWithFacebook(page, a.name);
  const slugA = slugOf(page);
  const c = await newPerson(fb, { pages: [] });
  const contextC = await browser.newContext({ baseURL: E2E.appUrl });
  const pageC = await contextC.newPage();
  try {
    await signUpWithFacebook(pageC, c.name);
    await addMembership(sql, slugA, slugOf(pageC), "admin");

    await pageC.goto(`/t/${slugA}`);
    await expect(pageC.getByTestId("page-row")).toHaveCount(3);
    const row = pageC.getByTestId("page-row").first();
    await row.getByRole("button", { name: "Check now" }).click();
    await expect(pageC.getByTestId("toast").first()).toContainText("checked with Facebook");
    await row.getByRole("button", { name: "Disconnect" }).click();
    await pageC.getByRole("dialog").getByRole("button", { name: "Disconnect Page" }).click();
    await expect(pageC.getByRole("heading", { name: "Pages (2)" })).toBeVisible();

    const res = await pageC.request.post(`/api/t/${slugA}/invitations`, { data: { email: "someone@example.test", role: "owner" } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain("Admins can invite members only");
  } finally {
    await contextC.close();
  }
});
