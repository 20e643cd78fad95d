import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";

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
