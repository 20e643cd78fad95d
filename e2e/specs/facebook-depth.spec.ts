import { screenshotPath } from "../support/screenshots";
import { randomInt } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";

/**
 * Facebook in depth, in Chromium against the production build and the emulator: Pages reached only through a
 * Business Manager portfolio and a linked Instagram account; the capability column explaining a missing permission;
 * re-approving lapsed 90-day data access; a bulk check of 250 Pages in Graph batches (counted by the emulator).
 */

function pageRow(page: Page, name: string): Locator {
  return page.getByTestId("page-row").filter({ has: page.getByText(name, { exact: true }) });
}

/** A person like the seed's Dana Agency, with ids nobody else uses: one direct Page, two through her business. */
async function agencyPerson(fb: Parameters<typeof newPerson>[0]) {
  const stem = `5${randomInt(100_000_000, 999_999_999)}`;
  const name = `Dana Agency ${stem.slice(-4)}`;
  const all = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"];
  const direct = { id: `${stem}1`, name: `Echo Events ${stem.slice(-4)}`, category: "Event Planner", tasks: all };
  const owned = {
    id: `${stem}2`,
    name: `Foxtrot Florist ${stem.slice(-4)}`,
    category: "Florist",
    tasks: all,
    instagram: { id: `178414${stem}`, username: `foxtrot.${stem.slice(-4)}`, name: "Foxtrot Florist" },
  };
  const client = {
    id: `${stem}3`,
    name: `Golf Garage ${stem.slice(-4)}`,
    category: "Automotive Repair Shop",
    tasks: ["ANALYZE", "ADVERTISE"],
  };
  const created = await fb.createPerson({
    name,
    email: `dana.${stem}@example.test`,
    pages: [direct],
    businesses: [{ id: `${stem}9`, name: `${name} Ltd`, ownedPages: [owned, direct], clientPages: [client] }],
  });
  return { id: created.id, name, direct, owned, client };
}

/** On Facebook's dialog opened with auth_type=reauthorize: approve, and land back with data access restored. */
async function reapproveOnFacebook(page: Page, name: string): Promise<void> {
  await page.waitForURL(/\/dialog\/oauth/);
  await expect(page.locator("#reauthorize")).toBeVisible();
  await approveOnFacebook(page, name);
  await page.waitForURL(/\/t\/[^/]+$/);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByTestId("expiry-banner")).toHaveCount(0);
}

test("business-only Pages and a linked Instagram account are connected and shown; the capability column explains a declined permission (screenshots)", async ({
  page,
  fb,
}) => {
  const dana = await agencyPerson(fb);
  await signUpWithFacebook(page, dana.name, { untickScopes: ["pages_manage_posts"] });

  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByTestId("connected-login")).toHaveText(`Connected ${dana.name}'s Facebook account.`);
  // Three Pages: one from /me/accounts, two only through the business portfolio (Echo Events listed twice, stored once).
  await expect(page.getByTestId("page-row")).toHaveCount(3);
  for (const p of [dana.direct, dana.owned, dana.client]) await expect(pageRow(page, p.name)).toBeVisible();
  await expect(pageRow(page, dana.owned.name).getByTestId("instagram-account")).toHaveText(`IG@${dana.owned.instagram.username}`);
  await expect(pageRow(page, dana.client.name).getByTestId("instagram-account")).toHaveCount(0);

  // Capabilities: Foxtrot Florist has every task, but pages_manage_posts was declined at consent.
  const florist = pageRow(page, dana.owned.name);
  await expect(florist.locator('[data-capability="publish"]')).toHaveAttribute("data-can", "false");
  await expect(florist.locator('[data-capability="moderate"]')).toHaveAttribute("data-can", "true");
  await florist.getByText("Why not?").click();
  await expect(florist.getByTestId("why-publish")).toHaveText("Post: pages_manage_posts was declined");
  // Golf Garage: the missing task comes first.
  const garage = pageRow(page, dana.client.name);
  await garage.getByText("Why not?").click();
  await expect(garage.getByTestId("why-publish")).toHaveText("Post: no CREATE_CONTENT task on this Page");
  await expect(garage.locator('[data-capability="advertise"]')).toHaveAttribute("data-can", "true");
  // After the connect: what was not granted, and one click to choose again.
  await expect(page.getByTestId("connect-follow-up")).toContainText("pages_manage_posts");

  // "Has Instagram" filter.
  await page.getByTestId("filter-instagram").click();
  await expect(page.getByTestId("page-row")).toHaveCount(1);
  await expect(pageRow(page, dana.owned.name)).toBeVisible();
  await page.getByTestId("filter-instagram").click();
  await expect(page.getByTestId("page-row")).toHaveCount(3);

  // Screenshots for the README: the capability column and Instagram on a desktop and on a phone.
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.screenshot({ path: screenshotPath("dashboard-capabilities.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // A phone shows the declined permission with its "Choose Pages again" one tap away (behind the connect banner's
  // "Details", which keeps the banner to one line), and what a second Facebook login would do.
  await expect(page.getByTestId("connect-follow-up")).toBeHidden();
  await page.getByTestId("connect-result").getByTestId("banner-details-toggle").click();
  await expect(page.getByTestId("connect-follow-up")).toBeVisible();
  await expect(page.getByTestId("connect-follow-up").getByRole("button", { name: "Choose Pages again" })).toBeVisible();
  await expect(page.getByTestId("second-login-notice")).toBeVisible();
  await pageRow(page, dana.owned.name).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath("dashboard-capabilities-phone.png"), fullPage: false });
});

test("lapsed 90-day data access shows as such, and Re-approve (auth_type=reauthorize) restores it", async ({ page, fb }) => {
  const person = await newPerson(fb, { pages: 2 });
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("page-row")).toHaveCount(2);

  // 90 days without use: Facebook keeps the token valid but stops sharing data.
  await fb.setDataAccess(person.id, -3600);
  await page.getByTestId("bulk-check-matching").click();
  await expect(page.getByTestId("page-row").first().getByTestId("status-badge")).toHaveAttribute("data-status", "data_access_expired");
  const banner = page.getByTestId("expiry-banner");
  await expect(banner).toContainText("90-day Facebook data access has expired");
  await expect(banner.getByRole("button", { name: "Reconnect now" })).toHaveCount(0);

  await banner.getByTestId("reapprove").click();
  await reapproveOnFacebook(page, person.name);
  for (const row of await page.getByTestId("page-row").all())
    await expect(row.getByTestId("status-badge")).toHaveAttribute("data-status", "active");
  // Facebook agrees: a check now finds the tokens active again.
  await page.getByTestId("bulk-check-matching").click();
  await expect(page.getByText(/Checked 2 tokens of 2 Pages with Facebook: 2 active/)).toBeVisible();
});

test("the alert email's reconnect page re-approves (auth_type=reauthorize) when data access lapsed, and that restores it", async ({
  page,
  fb,
}) => {
  const person = await newPerson(fb, { pages: 1 });
  await signUpWithFacebook(page, person.name);
  const dashboard = new URL(page.url()).pathname;
  await fb.setDataAccess(person.id, -3600);
  await page.getByTestId("bulk-check-matching").click();
  await expect(page.getByTestId("page-row").first().getByTestId("status-badge")).toHaveAttribute("data-status", "data_access_expired");

  await page.goto(`${dashboard}/reconnect`);
  await expect(page.getByTestId("reconnect-reasons")).toContainText("90-day Facebook data access has expired");
  await expect(page.getByRole("button", { name: "Reconnect with Facebook" })).toHaveCount(0);
  await page.getByRole("button", { name: "Re-approve on Facebook" }).click();
  await reapproveOnFacebook(page, person.name);
});

test("bulk check of 250 Pages uses at most 6 Graph HTTP requests", async ({ page, fb }) => {
  const person = await newPerson(fb, { pages: 250 });
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("pages-total")).toHaveAttribute("data-total", "250");
  await fb.resetStats();

  await page.getByTestId("bulk-check-matching").click();
  await expect(page.getByText(/Checked 250 tokens of 250 Pages with Facebook: 250 active/)).toBeVisible({ timeout: 60_000 });

  const stats = await fb.stats();
  expect(stats.graphRequests).toBeLessThanOrEqual(6);
  expect(stats.batchedByPath["/debug_token"]).toBe(250);
});
