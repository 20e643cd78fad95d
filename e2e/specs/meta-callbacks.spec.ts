import { createHmac } from "node:crypto";
import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

/** A signed_request built the way Meta documents it (signature first), independently of the app's verifier. */
function signedRequest(payload: Record<string, unknown>, secret = E2E.appSecret): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${createHmac("sha256", secret).update(body).digest("base64url")}.${body}`;
}

async function activeTokens(sql: import("pg").Pool, externalUserId: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
     WHERE s.external_user_id = $1 AND t.deleted_at IS NULL`,
    [externalUserId],
  );
  return rows[0]!.n;
}

test("Meta's data deletion callback over HTTP: forged → 400 and nothing changed; valid → tokens gone and a status page", async ({
  page,
  fb,
  sql,
  request,
}) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  expect(await activeTokens(sql, person.id)).toBe(4);

  const now = Math.floor(Date.now() / 1000);
  const forged = await request.post("/api/facebook/data-deletion", {
    form: { signed_request: signedRequest({ algorithm: "HMAC-SHA256", issued_at: now, user_id: person.id }, "not-the-app-secret") },
  });
  expect(forged.status()).toBe(400);
  expect(await activeTokens(sql, person.id)).toBe(4);

  const res = await request.post("/api/facebook/data-deletion", {
    form: { signed_request: signedRequest({ algorithm: "HMAC-SHA256", issued_at: now, user_id: person.id }) },
  });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { url: string; confirmation_code: string };
  expect(body.confirmation_code).toMatch(/^[A-Za-z0-9]+$/);
  expect(await activeTokens(sql, person.id)).toBe(0);

  // The status page Meta shows the person: the real code works, an unknown one is a 404.
  await page.goto(new URL(body.url).pathname);
  await expect(page.getByRole("heading", { name: "Your data deletion request is complete" })).toBeVisible();
  await expect(page.getByTestId("confirmation-code")).toHaveText(body.confirmation_code);
  const unknown = await request.get("/data-deletion/UNKNOWNCODE12345");
  expect(unknown.status()).toBe(404);
});

test("Meta's deauthorize callback over HTTP soft-deletes the person's tokens and the dashboard shows none", async ({
  page,
  fb,
  sql,
  request,
}) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const res = await request.post("/api/facebook/deauthorize", {
    form: { signed_request: signedRequest({ algorithm: "HMAC-SHA256", issued_at: Math.floor(Date.now() / 1000), user_id: person.id }) },
  });
  expect(res.status()).toBe(200);
  expect(await activeTokens(sql, person.id)).toBe(0);
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id WHERE s.external_user_id = $1`,
    [person.id],
  );
  expect(rows[0]!.n).toBe(4); // history stays (soft delete)
  await page.reload();
  await expect(page.getByTestId("page-row")).toHaveCount(0);
});
