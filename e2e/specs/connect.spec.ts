import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";
import { tokenRows, userIdOf, connectAttempts } from "../support/footprint";
import { openFacebookDialogFromDashboard, dashboardSlug } from "../support/oauth-flow";
import { uniquePages } from "../support/people";
import type { Page } from "@playwright/test";

/** A list entry (list item or table row) on the dashboard that names this text. */
function listed(page: Page, text: string) {
  return page.getByRole("listitem").or(page.getByRole("row")).filter({ hasText: text }).first();
}

test("a new person continues with Facebook and lands signed in with their 3 Pages", async ({ page, fb, sql }) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  const rows = page.getByTestId("page-row");
  await expect(rows).toHaveCount(3);
  for (const p of person.pages) await expect(page.getByText(p.name as string, { exact: true })).toBeVisible();

  const { rows: tokens } = await sql.query<{ token_type: string; n: string }>(
    `SELECT t.token_type, count(*) AS n FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
     WHERE s.external_user_id = $1 AND t.deleted_at IS NULL GROUP BY t.token_type ORDER BY t.token_type`,
    [person.id],
  );
  expect(tokens).toEqual([
    { token_type: "user", n: "1" },
    { token_type: "page", n: "3" },
  ]);
});

test("reconnecting from the dashboard rotates the user token and every page token, keeping exactly one active", async ({
  page,
  fb,
  sql,
}) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  const slug = dashboardSlug(page);
  const userId = await userIdOf(sql, person.id);
  expect(userId).not.toBeNull();
  const before = await tokenRows(sql, { userId: userId as string });
  const oldUser = before.filter((t) => t.token_type === "user" && !t.deleted);
  const oldPages = before.filter((t) => t.token_type === "page" && !t.deleted);
  expect(oldUser).toHaveLength(1);
  expect(oldPages).toHaveLength(3);

  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, person.name);
  await page.waitForURL(new RegExp(`/t/${slug}(\\?|$)`));
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByTestId("page-row")).toHaveCount(3);

  // Two successful attempts recorded: the dashboard banner is the second one's.
  expect((await connectAttempts(sql, userId as string)).map((a) => a.outcome)).toEqual(["succeeded", "succeeded"]);

  const after = await tokenRows(sql, { userId: userId as string });
  const users = after.filter((t) => t.token_type === "user");
  const activeUsers = users.filter((t) => !t.deleted);
  expect(users).toHaveLength(2);
  expect(activeUsers).toHaveLength(1);
  expect(activeUsers[0]?.id).not.toBe(oldUser[0]?.id);
  expect(after.find((t) => t.id === oldUser[0]?.id)?.deleted).toBe(true);
  expect(activeUsers[0]?.ciphertext_hex).not.toBe(oldUser[0]?.ciphertext_hex);

  const pages = after.filter((t) => t.token_type === "page");
  const activePages = pages.filter((t) => !t.deleted);
  expect(pages).toHaveLength(6);
  expect(activePages).toHaveLength(3);
  // Every previous page token is soft-deleted and replaced by a new row for the same Page.
  for (const old of oldPages) {
    expect(after.find((t) => t.id === old.id)?.deleted).toBe(true);
    const replacement = activePages.find((t) => t.facebook_page_id === old.facebook_page_id);
    expect(replacement, `a new active token for page ${old.facebook_page_id}`).toBeDefined();
    expect(replacement?.id).not.toBe(old.id);
  }

  // Exactly one active user token for the person anywhere, with deleted_at set on the previous one.
  const { rows } = await sql.query<{ active: string; deleted_with_timestamp: string }>(
    `SELECT count(*) FILTER (WHERE t.deleted_at IS NULL) AS active, count(*) FILTER (WHERE t.deleted_at IS NOT NULL) AS deleted_with_timestamp
       FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
      WHERE s.external_user_id = $1 AND t.token_type = 'user'`,
    [person.id],
  );
  expect(rows[0]).toEqual({ active: "1", deleted_with_timestamp: "1" });

  // Facebook issued two long-lived user tokens (one per connect): the stored one is the newer.
  expect(await fb.tokens({ person: person.id, source: "exchange" })).toHaveLength(2);
});

test("a second Facebook identity for the same signed-in user: both identities and both sets of Pages, one active user token", async ({
  page,
  fb,
  sql,
}) => {
  const first = await newPerson(fb, { pages: uniquePages("Harbour Cafe", 3) });
  const second = await newPerson(fb, { pages: uniquePages("Hilltop Florist", 2) });
  await signUpWithFacebook(page, first.name);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  const slug = dashboardSlug(page);
  const userId = (await userIdOf(sql, first.id)) as string;
  expect(userId).toBeTruthy();

  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, second.name);
  await page.waitForURL(new RegExp(`/t/${slug}(\\?|$)`));
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");

  // Dashboard: both identities, all 5 Pages.
  await expect(page.getByTestId("page-row")).toHaveCount(5);
  for (const p of [...first.pages, ...second.pages]) await expect(page.getByText(p.name as string, { exact: true })).toBeVisible();
  await expect(listed(page, first.name)).toBeVisible();
  await expect(listed(page, second.name)).toBeVisible();

  // Both Facebook accounts are linked to the one app user, in one tenant.
  const { rows: accounts } = await sql.query<{ provider_account_id: string; user_id: string }>(
    `SELECT provider_account_id, user_id::text AS user_id FROM accounts WHERE provider = 'facebook' AND provider_account_id = ANY($1) ORDER BY provider_account_id`,
    [[first.id, second.id]],
  );
  expect(accounts.map((a) => a.user_id)).toEqual([userId, userId]);
  const { rows: identities } = await sql.query<{ id: string; external_user_id: string; tenant_id: string; user_id: string }>(
    `SELECT id::text AS id, external_user_id, tenant_id::text AS tenant_id, user_id::text AS user_id
       FROM social_identities WHERE external_user_id = ANY($1) AND deleted_at IS NULL`,
    [[first.id, second.id]],
  );
  expect(identities).toHaveLength(2);
  expect(new Set(identities.map((i) => i.tenant_id)).size).toBe(1);
  expect(identities.every((i) => i.user_id === userId)).toBe(true);
  const idOf = (externalId: string) => identities.find((i) => i.external_user_id === externalId)?.id;

  // One active user token for (tenant, user, facebook): the new identity's. The first identity's user token is
  // soft-deleted (by design), its page tokens stay active.
  const tokens = await tokenRows(sql, { userId, tenantId: identities[0]?.tenant_id });
  const activeUser = tokens.filter((t) => t.token_type === "user" && !t.deleted);
  expect(activeUser).toHaveLength(1);
  expect(activeUser[0]?.social_identity_id).toBe(idOf(second.id));
  expect(tokens.filter((t) => t.token_type === "user" && t.deleted && t.social_identity_id === idOf(first.id))).toHaveLength(1);
  expect(tokens.filter((t) => t.token_type === "page" && !t.deleted && t.social_identity_id === idOf(first.id))).toHaveLength(3);
  expect(tokens.filter((t) => t.token_type === "page" && !t.deleted && t.social_identity_id === idOf(second.id))).toHaveLength(2);
});

test("a person with 250 Pages gets all 250: in the database and as the dashboard's total", async ({ page, fb, sql }) => {
  const person = await newPerson(fb, { pages: 250 });
  await signUpWithFacebook(page, person.name);
  const banner = page.getByTestId("connect-result");
  await expect(banner).toHaveAttribute("data-outcome", "succeeded");
  await expect(banner).toContainText("250");

  const { rows } = await sql.query<{ pages: string; page_tokens: string; user_tokens: string }>(
    `SELECT (SELECT count(*) FROM facebook_pages WHERE page_id = ANY($2) AND deleted_at IS NULL) AS pages,
            (SELECT count(*) FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
              WHERE s.external_user_id = $1 AND t.token_type = 'page' AND t.deleted_at IS NULL) AS page_tokens,
            (SELECT count(*) FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
              WHERE s.external_user_id = $1 AND t.token_type = 'user' AND t.deleted_at IS NULL) AS user_tokens`,
    [person.id, person.pages.map((p) => p.id)],
  );
  expect(rows[0]).toEqual({ pages: "250", page_tokens: "250", user_tokens: "1" });

  // The dashboard may paginate the rows; its Pages heading gives the total.
  await expect(page.getByRole("heading", { name: /\b250\b/ })).toBeVisible();
  await expect(page.getByTestId("page-row").first()).toBeVisible();
});
