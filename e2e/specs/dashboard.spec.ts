import { randomInt } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import type pg from "pg";
import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";
import { screenshotPath } from "../support/screenshots";

/** The tenant dashboard the browser is on: /t/<slug>. */
function slugOf(page: Page): string {
  const m = /\/t\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a tenant dashboard: ${page.url()}`);
  return m[1];
}

/** Scrolls through the page so lazy pictures load before a full-page screenshot. */
async function loadPictures(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 30));
    }
    await Promise.all(
      [...document.images].map((img) => (img.complete ? null : new Promise((r) => img.addEventListener("load", r, { once: true })))),
    );
    window.scrollTo(0, 0);
  });
}

function pageRow(page: Page, name: string): Locator {
  return page.getByTestId("page-row").filter({ has: page.getByText(name, { exact: true }) });
}

async function tenantIdOf(sql: pg.Pool, slug: string): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = $1`, [slug]);
  if (!rows[0]) throw new Error(`no tenant ${slug}`);
  return rows[0].id;
}

/** Page ids nobody else uses in this run (digits, like Facebook's). */
function pageIds(n: number): string[] {
  const stem = `6${randomInt(100_000_000, 999_999_999)}`;
  return Array.from({ length: n }, (_, i) => `${stem}${String(i).padStart(3, "0")}`);
}

test("connect → Pages with tasks and statuses → check now → disconnect (kept in the audit log) → reconnect → switch workspace", async ({
  page,
  fb,
  sql,
}) => {
  const person = await newPerson(fb);
  const [bakery, books, gym] = person.pages.map((p) => p.name as string) as [string, string, string];
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);
  const tenantId = await tenantIdOf(sql, slug);

  // Connected: the identity, the three Pages, their tasks as chips and an active badge each.
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByRole("heading", { name: "Pages (3)" })).toBeVisible();
  await expect(page.getByTestId("page-row")).toHaveCount(3);
  const identity = page.getByTestId("identity").filter({ hasText: person.name });
  await expect(identity).toContainText("Connected by you");
  await expect(identity.getByTestId("status-badge")).toHaveAttribute("data-status", "active");
  for (const task of ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]) {
    await expect(pageRow(page, bakery).getByText(task, { exact: true })).toBeVisible();
  }
  await expect(pageRow(page, books).getByText("MODERATE", { exact: true })).toBeVisible();
  await expect(pageRow(page, books).getByText("MANAGE", { exact: true })).toHaveCount(0);
  for (const name of [bakery, books, gym])
    await expect(pageRow(page, name).getByTestId("status-badge")).toHaveAttribute("data-status", "active");
  await expect(pageRow(page, bakery)).toContainText(`${person.name}'s token`);

  // Check now: Facebook revoked the Gym's Page token (password change) → the badge says so after the check.
  const gymPageId = person.pages[2]?.id as string;
  const gymTokens = (await fb.tokens({ person: person.id, type: "PAGE" })).filter((t) => t.pageId === gymPageId && t.valid);
  expect(gymTokens.length).toBeGreaterThan(0);
  for (const t of gymTokens) await fb.revokeToken(t.token, 460);
  const checkedBefore = await sql.query<{ last_checked_at: Date }>(
    `SELECT t.last_checked_at FROM ad_tokens t JOIN facebook_pages p ON p.id = t.facebook_page_id
     WHERE p.tenant_id = $1 AND p.page_id = $2 AND t.deleted_at IS NULL`,
    [tenantId, gymPageId],
  );
  await pageRow(page, gym).getByRole("button", { name: "Check now" }).click();
  await expect(pageRow(page, gym).getByTestId("status-badge")).toHaveAttribute("data-status", "revoked");
  await expect(page.getByTestId("toast").filter({ hasText: gym })).toContainText(/revoked/i);
  const checkedAfter = await sql.query<{ status: string; last_checked_at: Date }>(
    `SELECT t.status, t.last_checked_at FROM ad_tokens t JOIN facebook_pages p ON p.id = t.facebook_page_id
     WHERE p.tenant_id = $1 AND p.page_id = $2 AND t.deleted_at IS NULL`,
    [tenantId, gymPageId],
  );
  expect(checkedAfter.rows[0]?.status).toBe("revoked");
  expect(checkedAfter.rows[0]?.last_checked_at.getTime()).toBeGreaterThan(checkedBefore.rows[0]?.last_checked_at.getTime() ?? 0);
  // A healthy Page checks as active.
  await pageRow(page, bakery).getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: bakery })).toContainText("active");
  await expect(pageRow(page, bakery).getByTestId("status-badge")).toHaveAttribute("data-status", "active");

  // Disconnect a Page: confirmation, gone from the list, soft-deleted, still in the audit log.
  await pageRow(page, books).getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: `Disconnect ${books}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(pageRow(page, books)).toHaveCount(1);
  await pageRow(page, books).getByRole("button", { name: "Disconnect" }).click();
  await page
    .getByRole("dialog", { name: `Disconnect ${books}?` })
    .getByRole("button", { name: "Disconnect Page" })
    .click();
  await expect(page.getByTestId("toast").filter({ hasText: `Disconnected ${books}` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Pages (2)" })).toBeVisible();
  await expect(page.getByTestId("page-row")).toHaveCount(2);
  await expect(page.getByText(books, { exact: true })).toHaveCount(0);
  const booksRows = await sql.query<{ page_deleted: boolean; active_tokens: string; all_tokens: string }>(
    `SELECT p.deleted_at IS NOT NULL AS page_deleted,
            count(t.id) FILTER (WHERE t.deleted_at IS NULL) AS active_tokens, count(t.id) AS all_tokens
     FROM facebook_pages p LEFT JOIN ad_tokens t ON t.facebook_page_id = p.id
     WHERE p.tenant_id = $1 AND p.page_id = $2 GROUP BY p.id`,
    [tenantId, person.pages[1]?.id],
  );
  expect(booksRows.rows).toEqual([{ page_deleted: true, active_tokens: "0", all_tokens: "1" }]);

  await page.getByRole("link", { name: "Audit log" }).click();
  await page.waitForURL(`**/t/${slug}/audit`);
  const disconnected = page.getByTestId("audit-event").filter({ hasText: "Page disconnected" });
  await expect(disconnected).toHaveCount(1);
  await expect(disconnected).toContainText(books);
  await expect(disconnected).toContainText(`by ${person.name}`);
  await expect(page.getByTestId("audit-event").filter({ hasText: "Token status changed" }).filter({ hasText: gym })).toContainText(
    "active → revoked",
  );
  // Newest first: the disconnect comes before the workspace's creation.
  const actions = await page.getByTestId("audit-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
  expect(actions.indexOf("page.disconnected")).toBeLessThan(actions.indexOf("tenant.created"));

  // Reconnect through Connect Facebook: the Page is back, active (and the revoked Gym token is replaced).
  await page.getByRole("link", { name: "Pages", exact: true }).click();
  await page.waitForURL(`**/t/${slug}`);
  await page.getByRole("button", { name: "Connect Facebook" }).click();
  await approveOnFacebook(page, person.name);
  await page.waitForURL(new RegExp(`/t/${slug}(\\?|$)`));
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByRole("heading", { name: "Pages (3)" })).toBeVisible();
  for (const name of [bakery, books, gym])
    await expect(pageRow(page, name).getByTestId("status-badge")).toHaveAttribute("data-status", "active");

  // Switch workspace: a new one (empty, you are its owner), never showing the other workspace's Pages.
  await page.getByTestId("tenant-switcher").locator("summary").click();
  await page.getByRole("button", { name: "+ New workspace" }).click();
  const create = page.getByRole("dialog", { name: "New workspace" });
  await create.getByLabel("Workspace name").fill("Second Client");
  await create.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/t/") && !url.pathname.startsWith(`/t/${slug}`));
  const second = slugOf(page);
  await expect(page.getByTestId("current-tenant")).toHaveText("Second Client");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Pages (0)" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect Facebook" })).toHaveCount(1);
  // A full load of the new workspace (a client-side navigation keeps the previous document's payload around).
  const html = (await (await page.reload())?.text()) ?? "";
  expect(html).toContain("Second Client");
  for (const name of [bakery, books, gym]) expect(html).not.toContain(name);
  const role = await sql.query<{ role: string }>(
    `SELECT m.role FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1 AND m.deleted_at IS NULL`,
    [second],
  );
  expect(role.rows.map((r) => r.role)).toEqual(["owner"]);

  // …and back again with the switcher.
  await page.getByTestId("tenant-switcher").locator("summary").click();
  await page
    .getByTestId("tenant-switcher")
    .getByRole("link", { name: new RegExp(`^${person.name}'s workspace`) })
    .click();
  await page.waitForURL(`**/t/${slug}`);
  await expect(page.getByTestId("page-row")).toHaveCount(3);
});

test("search, status filter, sort and paging run on the server (120 Pages)", async ({ page, fb, sql }) => {
  const person = await newPerson(fb, { pages: 120 });
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);
  const tenantId = await tenantIdOf(sql, slug);
  await expect(page.getByRole("heading", { name: "Pages (120)" })).toBeVisible();
  await expect(page.getByTestId("page-row")).toHaveCount(50);
  await expect(page.getByTestId("pagination")).toContainText("Showing 1–50 of 120");

  // Paging.
  await page.getByTestId("pagination").getByRole("link", { name: "Next →" }).click();
  await page.waitForURL(/page=2/);
  await expect(page.getByTestId("pagination")).toContainText("Showing 51–100 of 120");
  await expect(page.getByText(`${person.name} Page 051`, { exact: true })).toBeVisible();
  await page.getByTestId("pagination").getByRole("link", { name: "Next →" }).click();
  await page.waitForURL(/page=3/);
  await expect(page.getByTestId("page-row")).toHaveCount(20);

  // Statuses come from the database (set here as the health check would).
  await sql.query(
    `UPDATE ad_tokens t SET status = 'revoked', last_error = 'Facebook no longer accepts this connection. Reconnect to continue.'
     FROM facebook_pages p WHERE p.id = t.facebook_page_id AND p.tenant_id = $1 AND t.deleted_at IS NULL
       AND p.name = ANY($2::text[])`,
    [tenantId, [`${person.name} Page 007`, `${person.name} Page 042`, `${person.name} Page 099`]],
  );
  await sql.query(
    `UPDATE ad_tokens t SET status = 'expiring', expires_at = now() + interval '3 days'
     FROM facebook_pages p WHERE p.id = t.facebook_page_id AND p.tenant_id = $1 AND t.deleted_at IS NULL AND p.name = $2`,
    [tenantId, `${person.name} Page 100`],
  );

  // Status filter (chips carry the counts).
  await page.goto(`/t/${slug}`);
  await expect(page.getByTestId("status-filter-revoked")).toContainText("3");
  await page.getByTestId("status-filter-revoked").click();
  await page.waitForURL(/status=revoked/);
  await expect(page.getByTestId("page-row")).toHaveCount(3);
  for (const badge of await page.getByTestId("page-row").getByTestId("status-badge").all())
    await expect(badge).toHaveAttribute("data-status", "revoked");
  await page.getByTestId("status-filter-expiring").click();
  await page.waitForURL(/status=expiring/);
  await expect(page.getByTestId("page-row")).toHaveCount(1);
  await expect(page.getByTestId("page-row").getByTestId("status-badge")).toHaveText("Expiring in 3 days");

  // Search (keeps the status filter until it is cleared).
  await page.getByTestId("status-filter-all").click();
  await page.waitForURL((u) => !u.search.includes("status="));
  await page.getByRole("searchbox", { name: "Search Pages by name" }).fill("Page 04");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/q=Page\+04/);
  await expect(page.getByTestId("page-row")).toHaveCount(10);
  await expect(page.getByTestId("pagination")).toContainText("of 10");
  await page.getByRole("searchbox", { name: "Search Pages by name" }).fill("no such page");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("no-match")).toBeVisible();

  // Sort: by name descending; by status (problems first).
  await page.goto(`/t/${slug}`);
  await page.getByTestId("sort-name").click(); // the active sort: flips to descending
  await page.waitForURL(/dir=desc/);
  await expect(page.getByTestId("page-row").first()).toContainText(`${person.name} Page 120`);
  await page.getByTestId("sort-status").click();
  await page.waitForURL(/sort=status/);
  for (let i = 0; i < 3; i++)
    await expect(page.getByTestId("page-row").nth(i).getByTestId("status-badge")).toHaveAttribute("data-status", "revoked");
  await expect(page.getByTestId("page-row").nth(3).getByTestId("status-badge")).toHaveAttribute("data-status", "expiring");

  // Nonsense parameters fall back to defaults instead of failing.
  const res = await page.goto(`/t/${slug}?sort=DROP&dir=sideways&page=-4&status=bogus`);
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId("page-row")).toHaveCount(50);
});

test("disconnecting a Facebook account (and revoking on Facebook) removes its Pages; the audit log keeps both", async ({
  page,
  fb,
  sql,
}) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);
  const tenantId = await tenantIdOf(sql, slug);
  await expect(page.getByTestId("page-row")).toHaveCount(3);

  const identity = page.getByTestId("identity").filter({ hasText: person.name });
  await identity.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: `Disconnect ${person.name}?` });
  await dialog.getByRole("checkbox", { name: /Also revoke on Facebook/ }).check();
  await dialog.getByRole("button", { name: "Disconnect account" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Disconnected ${person.name}` })).toContainText("revoked on Facebook");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await expect(page.getByTestId("identity")).toHaveCount(0);

  const { rows } = await sql.query<{ active: string; deleted: string }>(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS active, count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted
     FROM ad_tokens WHERE tenant_id = $1`,
    [tenantId],
  );
  expect(rows[0]).toEqual({ active: "0", deleted: "4" });
  // Facebook revoked the app for that person: none of their tokens works any more.
  const theirs = await fb.tokens({ person: person.id });
  expect(theirs.length).toBeGreaterThan(0);
  expect(theirs.filter((t) => t.valid)).toEqual([]);

  await page.goto(`/t/${slug}/audit`);
  await expect(page.getByTestId("audit-event").filter({ hasText: "Facebook account disconnected" })).toContainText(person.name);
  await expect(page.getByTestId("audit-event").filter({ hasText: "App access revoked on Facebook" })).toHaveCount(1);
});

test("screenshots of the dashboard for the README (desktop and phone)", async ({ page, fb, sql }) => {
  const names = [
    "Alpine Bakery",
    "Harbor Books",
    "Summit Gym",
    "Riverside Diner",
    "Maple Florist",
    "Northside Dental",
    "Lumen Yoga Studio",
    "Copper Kettle Café",
  ];
  const ids = pageIds(names.length);
  const categories = ["Bakery", "Book Store", "Gym", "Restaurant", "Florist", "Dentist", "Yoga Studio", "Café"];
  const taskSets = [
    ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
    ["ANALYZE", "MODERATE"],
    ["ANALYZE", "CREATE_CONTENT"],
    ["ANALYZE", "ADVERTISE", "CREATE_CONTENT"],
  ];
  const person = await newPerson(fb, {
    name: `Maya Lopez ${ids[0]?.slice(-4)}`,
    pages: names.map((name, i) => ({ id: ids[i] as string, name, category: categories[i], tasks: taskSets[i % taskSets.length] })),
  });
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);
  const tenantId = await tenantIdOf(sql, slug);
  await expect(page.getByTestId("page-row")).toHaveCount(names.length);

  // Real path for one badge: Facebook revokes the Summit Gym token, "Check now" finds out.
  for (const t of (await fb.tokens({ person: person.id, type: "PAGE" })).filter((t) => t.pageId === ids[2]))
    await fb.revokeToken(t.token, 460);
  await pageRow(page, "Summit Gym").getByRole("button", { name: "Check now" }).click();
  await expect(pageRow(page, "Summit Gym").getByTestId("status-badge")).toHaveAttribute("data-status", "revoked");
  // The other statuses, set as the health sweep would, so the screenshot shows every badge.
  const set = (name: string, sqlSet: string) =>
    sql.query(
      `UPDATE ad_tokens t SET ${sqlSet} FROM facebook_pages p
       WHERE p.id = t.facebook_page_id AND p.tenant_id = $1 AND p.name = $2 AND t.deleted_at IS NULL`,
      [tenantId, name],
    );
  await set("Riverside Diner", `status = 'expiring', expires_at = now() + interval '4 days'`);
  await set(
    "Maple Florist",
    `status = 'expired', expires_at = now() - interval '2 days', last_error = 'The Facebook session has expired. Reconnect to continue.'`,
  );
  await set("Northside Dental", `status = 'unchecked', last_checked_at = NULL`);
  await set("Lumen Yoga Studio", `status = 'invalid', last_error = 'Facebook no longer accepts this connection. Reconnect to continue.'`);

  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto(`/t/${slug}`);
  await expect(page.getByTestId("page-row")).toHaveCount(names.length);
  // The token-health banner names the broken Pages and offers the reconnect.
  const banner = page.getByTestId("expiry-banner");
  await expect(banner).toHaveAttribute("data-severity", "broken");
  for (const name of ["Summit Gym", "Maple Florist", "Lumen Yoga Studio"]) await expect(banner).toContainText(name);
  await expect(banner.getByRole("button", { name: /reconnect/i })).toBeVisible();
  // Every Expires and Checked cell keeps its text inside its column (the expiry note once ran into "Checked"): on a
  // tablet (cards), the narrowest table and the screenshot's width.
  for (const width of [820, 1024, 1360]) {
    await page.setViewportSize({ width, height: 900 });
    const spilling = await page
      .getByTestId("page-row")
      .locator(".pr-cell")
      .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent));
    expect(spilling, `cells wider than their column at ${width}px`).toEqual([]);
  }
  await loadPictures(page);
  await page.screenshot({ path: screenshotPath("dashboard-desktop.png"), fullPage: true });

  await page.goto(`/t/${slug}?sort=status`);
  await pageRow(page, "Harbor Books").getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.screenshot({ path: screenshotPath("dashboard-disconnect-dialog.png") });
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  await page.goto(`/t/${slug}/audit`);
  await page.screenshot({ path: screenshotPath("audit-log.png"), fullPage: true });

  const phone = await page
    .context()
    .browser()
    ?.newContext({ baseURL: E2E.appUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  if (!phone) throw new Error("no browser");
  try {
    await phone.addCookies(await page.context().cookies());
    const mobile = await phone.newPage();
    await mobile.goto(`/t/${slug}`);
    await expect(mobile.getByTestId("page-row")).toHaveCount(names.length);
    // Cards, not a squeezed table: every row's actions are on screen without horizontal scrolling.
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await loadPictures(mobile);
    await mobile.screenshot({ path: screenshotPath("dashboard-phone.png"), fullPage: true });
  } finally {
    await phone.close();
  }
});
