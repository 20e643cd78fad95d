import type { Browser, BrowserContext, Locator, Page } from "@playwright/test";
import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";
import { screenshotPath } from "../support/screenshots";

/**
 * A workspace with 250 Pages on a laptop (1280×860) and a phone (390×844): the Pages table and its paging are on the
 * first screen, a toast never covers a row's buttons (not even the lowest row's), the filter counts follow "Check
 * now" without a reload, and the page hydrates without a mismatch. Also writes the README's 250-Page screenshots
 * under `npm run screenshots`.
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The element is on the first screen, whole, with the page not scrolled. */
async function expectOnFirstScreen(page: Page, locator: Locator, what: string): Promise<void> {
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error(`${what}: not rendered`);
  expect(box.y, `${what} starts on the first screen`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} ends on the first screen (viewport ${viewport.height}px)`).toBeLessThanOrEqual(viewport.height);
}

/** No toast overlaps any button of any Page row currently on screen. */
async function expectNoToastOverRowButtons(page: Page): Promise<void> {
  const toasts = await page.getByTestId("toast").evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  expect(toasts.length).toBeGreaterThan(0);
  const buttons = await page
    .getByTestId("page-row")
    .getByRole("button")
    .evaluateAll((els) =>
      els
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height, label: e.textContent ?? "" };
        })
        .filter((r) => r.width > 0 && r.y < window.innerHeight && r.y + r.height > 0),
    );
  expect(buttons.length).toBeGreaterThan(0);
  for (const t of toasts) for (const b of buttons) expect(overlaps(t, b), `a toast covers the "${b.label}" button`).toBe(false);
}

/** Console errors React reports on a hydration mismatch (dev wording and production error numbers). */
function watchHydration(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (/hydrat|Minified React error #(418|423|425)/i.test(msg.text())) problems.push(msg.text());
  });
  page.on("pageerror", (err) => {
    if (/hydrat|#418|#423|#425/i.test(err.message)) problems.push(err.message);
  });
  return problems;
}

async function phoneContext(browser: Browser | null, from: BrowserContext): Promise<BrowserContext> {
  if (!browser) throw new Error("no browser");
  const phone = await browser.newContext({
    baseURL: E2E.appUrl,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await phone.addCookies(await from.cookies());
  return phone;
}

test("250 Pages at 1280×860 and 390×844: table and paging on the first screen, toasts clear of row buttons, counts follow Check now (screenshots)", async ({
  page,
  fb,
}) => {
  test.setTimeout(180_000);
  const person = await newPerson(fb, { pages: 250 });
  await page.setViewportSize({ width: 1280, height: 860 });
  await signUpWithFacebook(page, person.name);
  const dashboard = new URL(page.url()).pathname;
  const hydration = watchHydration(page);
  await page.goto(dashboard);
  await expect(page.getByRole("heading", { name: "Pages (250)" })).toBeVisible();
  await expect(page.getByTestId("page-row")).toHaveCount(50);

  // Laptop: the paging bar (above the table), the filters and the table's first rows are on the first screen.
  await expectOnFirstScreen(page, page.getByTestId("pagination"), "the paging above the table");
  await expect(page.getByTestId("pagination")).toContainText("Showing 1–50 of 250");
  await expectOnFirstScreen(page, page.getByTestId("status-filter-all"), "the status filters");
  await expectOnFirstScreen(page, page.getByTestId("page-row").first(), "the first Page row");
  // A Page's name is never cut without a way to read it: up to two lines, and the whole name on hover.
  const firstName = page.getByTestId("page-row").first().locator(".pr-name");
  await expect(firstName).toHaveAttribute("title", (await firstName.innerText()).trim());
  await expect(page.getByTestId("pagination-bottom")).toContainText("Showing 1–50 of 250");
  // The account cards start folded in a workspace this big; open, the connecting login's name is whole (wrapped,
  // never cut off); they fold away again.
  const identity = page.getByTestId("identity").filter({ hasText: person.name });
  await expect(identity).toBeHidden();
  await page.getByTestId("identities-section").locator("summary").click();
  await expect(identity).toBeVisible();
  const nameCut = await identity.getByText(person.name, { exact: true }).evaluate((e) => e.scrollWidth > e.clientWidth);
  expect(nameCut).toBe(false);
  await page.getByTestId("identities-section").locator("summary").click();
  await expect(identity).toBeHidden();
  // "Problems first" has no direction: no arrow on it.
  await page.getByTestId("sort-status").click();
  await page.waitForURL(/sort=status/);
  await expect(page.getByTestId("sort-status")).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("sort-status")).not.toContainText(/[↑↓]/);
  await page.goto(dashboard);
  await page.screenshot({ path: screenshotPath("dashboard-250-pages.png") });

  // Check now on the lowest row of the page: Facebook revoked it. The toast stays clear of every row's buttons, and
  // the status chips count it without a reload.
  const last = page.getByTestId("page-row").last();
  const lastName = (await last.locator(".pr-name").textContent()) ?? "";
  const lastPageId = person.pages.find((p) => p.name === lastName)?.id;
  expect(lastPageId).toBeTruthy();
  for (const t of (await fb.tokens({ person: person.id, type: "PAGE" })).filter((t) => t.pageId === lastPageId))
    await fb.revokeToken(t.token, 460);
  await expect(page.getByTestId("status-filter-revoked")).toHaveCount(0);
  await last.scrollIntoViewIfNeeded();
  await last.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: lastName })).toContainText(/revoked/i);
  await expectNoToastOverRowButtons(page);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expectNoToastOverRowButtons(page);
  await expect(page.getByTestId("status-filter-revoked")).toContainText("1");
  await expect(page.getByTestId("status-filter-active")).toContainText("249");
  expect(hydration).toEqual([]);
  // On a laptop the banners show everything at once: the revoked Page is listed, there is no "Details" to open.
  await page.reload();
  await expect(page.getByTestId("expiry-banner").getByText(lastName)).toBeVisible();
  await expect(page.getByTestId("connect-result").getByText(/Connected your Facebook account with 250 Pages/)).toBeVisible();
  await expect(page.getByTestId("banner-details-toggle")).toHaveCount(2);
  for (const toggle of await page.getByTestId("banner-details-toggle").all()) await expect(toggle).toBeHidden();

  // Phone.
  const phone = await phoneContext(page.context().browser(), page.context());
  try {
    const mobile = await phone.newPage();
    const mobileHydration = watchHydration(mobile);
    await mobile.goto(dashboard);
    await expect(mobile.getByTestId("page-row")).toHaveCount(50);
    await expectOnFirstScreen(mobile, mobile.getByTestId("pagination"), "the paging above the table (phone)");
    const table = await mobile.getByTestId("pages-table").boundingBox();
    expect(table && table.y + 40, "the Pages table starts on the first screen (phone)").toBeLessThanOrEqual(844);
    // Both banners are up: this sign-up's connect result and the token problem (the Page revoked above). On a phone
    // each is one line with its details behind a disclosure, so below them the status filters and the top of the first
    // Page's card (its name and status; its actions may end below the fold) are on the first screen.
    const connectResult = mobile.getByTestId("connect-result");
    const problems = mobile.getByTestId("expiry-banner");
    await expect(connectResult).toBeVisible();
    await expect(problems).toBeVisible();
    const heights = { connect: (await connectResult.boundingBox())?.height, problems: (await problems.boundingBox())?.height };
    console.log(`banner heights on a phone (px): ${JSON.stringify(heights)}`);
    await expectOnFirstScreen(mobile, mobile.getByTestId("status-filter-all"), "the status filters (phone)");
    const firstCard = mobile.getByTestId("page-row").first();
    await expectOnFirstScreen(mobile, firstCard.locator(".pr-name"), "the first Page's name (phone)");
    await expectOnFirstScreen(mobile, firstCard.getByTestId("status-badge"), "the first Page's status (phone)");
    // The details are one tap away: the Page Facebook revoked, and the connect's full sentence.
    await expect(problems.getByText(lastName)).toBeHidden();
    await problems.getByTestId("banner-details-toggle").click();
    await expect(problems.getByText(lastName)).toBeVisible();
    await expect(connectResult.getByText(/Connected your Facebook account with 250 Pages/)).toBeHidden();
    await connectResult.getByTestId("banner-details-toggle").click();
    await expect(connectResult.getByText(/Connected your Facebook account with 250 Pages/)).toBeVisible();
    await mobile.reload();
    await expect(mobile.getByTestId("page-row")).toHaveCount(50);
    // Nothing wider than the screen; "Sign out" shares the workspace switcher's row.
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    const signOut = await mobile.getByRole("button", { name: "Sign out", exact: true }).boundingBox();
    const switcher = await mobile.getByTestId("tenant-switcher").locator("summary").boundingBox();
    expect(signOut && switcher && Math.abs(signOut.y + signOut.height / 2 - (switcher.y + switcher.height / 2))).toBeLessThan(8);
    // The workspace's name keeps room on that row (the sign-out buttons once squeezed it to nothing): at least a
    // third of the screen; "Sign out everywhere" is in the switcher's menu.
    const tenantName = await mobile.getByTestId("current-tenant").boundingBox();
    expect(tenantName?.width ?? 0, "the workspace name's width on a phone").toBeGreaterThanOrEqual(390 / 3);
    await mobile.getByTestId("tenant-switcher").locator("summary").click();
    await expect(mobile.getByTestId("tenant-switcher").getByRole("button", { name: "Sign out everywhere" })).toBeVisible();
    await mobile.getByTestId("tenant-switcher").locator("summary").click();
    // A chip row wider than the screen fades out at its right edge (there is more to scroll to).
    const sortRow = mobile.getByRole("navigation", { name: "Sort Pages" });
    expect(await sortRow.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
    expect(await sortRow.evaluate((e) => getComputedStyle(e).maskImage)).toContain("gradient");
    await mobile.screenshot({ path: screenshotPath("dashboard-250-pages-phone.png") });

    const lowest = mobile.getByTestId("page-row").last();
    await lowest.scrollIntoViewIfNeeded();
    await lowest.getByRole("button", { name: "Check now" }).click();
    await expect(mobile.getByTestId("toast").filter({ hasText: lastName })).toBeVisible();
    await mobile.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expectNoToastOverRowButtons(mobile);
    expect(mobileHydration).toEqual([]);
  } finally {
    await phone.close();
  }
});
