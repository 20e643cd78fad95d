/**
 * The token API end to end: an owner creates an API key on Settings → API keys (shown once, copied), the example
 * automation (examples/publish-post.ts, a separate process using the typed client) fetches a Page token with it and
 * publishes a post through the emulator's Graph API, the audit log shows the hand-out with the key's name, and
 * revoking the key makes the next call 401. The API reference renders in the browser.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

const run = promisify(execFile);

test("an owner's key publishes a post through the example; the audit log shows the hand-out; revoking it → 401", async ({
  page,
  context,
  fb,
  stack,
}) => {
  test.setTimeout(120_000);
  const person = await newPerson(fb);
  const postable = person.pages[0]!; // MANAGE + CREATE_CONTENT
  await signUpWithFacebook(page, person.name);

  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await expect(page.getByText("No API keys yet.")).toBeVisible();
  await page.getByLabel("Name").fill("Acme scheduler");
  await page.getByRole("button", { name: "Create key" }).click();

  // Shown once, with a copy button that puts exactly the key on the clipboard.
  const shown = page.getByTestId("new-api-key-value");
  await expect(shown).toHaveValue(/^stk_live_[0-9A-Za-z]{43}$/);
  const key = await shown.inputValue();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E.appUrl });
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  const row = page.getByTestId("api-key-row").filter({ hasText: "Acme scheduler" });
  await expect(row).toContainText(key.slice(0, 15));
  await expect(row).toContainText("last used never");

  // Afterwards only the prefix is ever shown.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(key);

  // The automation, a separate process: token from our API (typed client), then POST /{page-id}/feed.
  const message = `Hello from an automation ${Date.now()}`;
  const { stdout } = await run("npx", ["tsx", "examples/publish-post.ts", "--page", postable.id, "--message", message], {
    env: {
      ...process.env,
      SOCIAL_TOKENS_API_KEY: key,
      SOCIAL_TOKENS_URL: E2E.appUrl,
      FACEBOOK_GRAPH_URL: stack.emulatorUrl,
      FACEBOOK_APP_SECRET: E2E.appSecret,
    },
    timeout: 60_000,
  });
  expect(stdout).toMatch(new RegExp(`Published post ${postable.id}_\\d+ on Page ${postable.id}`));
  const posts = await fb.posts(postable.id);
  expect(posts.map((p) => p.message)).toEqual([message]);

  // The audit log shows the hand-out with the key's name.
  await page.getByRole("link", { name: "Audit log" }).click();
  const handout = page.locator('[data-action="token.handed_out"]');
  await expect(handout).toHaveCount(1);
  await expect(handout).toContainText(postable.name);
  await expect(handout).toContainText("via API key “Acme scheduler”");
  await expect(page.locator('[data-action="api_key.created"]')).toContainText("Acme scheduler");

  // Revoke (with confirmation): the next call is 401.
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(row).toContainText(/last used \d/);
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
  const after = await page.request.post(`/api/v1/pages/${postable.id}/token`, { headers: { authorization: `Bearer ${key}` }, data: {} });
  expect(after.status()).toBe(401);
  expect(((await after.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  await expect(
    run("npx", ["tsx", "examples/publish-post.ts", "--page", postable.id, "--message", "again"], {
      env: { ...process.env, SOCIAL_TOKENS_API_KEY: key, SOCIAL_TOKENS_URL: E2E.appUrl, FACEBOOK_GRAPH_URL: stack.emulatorUrl },
      timeout: 60_000,
    }),
  ).rejects.toThrow(/401/);
  expect(await fb.posts(postable.id)).toHaveLength(1);
});

test("the API reference renders every operation from the OpenAPI document", async ({ page }) => {
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: /Social Tokens API/ })).toBeVisible();
  await expect(page.getByTestId("api-operation")).toHaveCount(5);
  await expect(page.locator("#pageToken")).toContainText(/post/i);
  await expect(page.locator("#pageToken")).toContainText("/api/v1/pages/{id}/token");
  await expect(page.locator("#pageToken")).toContainText("409");
  const doc = await page.request.get("/api/v1/openapi.json");
  expect(doc.headers()["cache-control"]).toBe("no-store");
  expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
});
