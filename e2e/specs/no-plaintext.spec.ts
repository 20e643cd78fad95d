/**
 * No plaintext token anywhere: after real connects (a 3-Page person connecting twice, a 250-Page second identity, a
 * failed reconnect and a refused callback), no token the emulator ever issued appears in the HTML of the app pages the
 * browser saw, in any body the browser received from the app (documents, RSC payloads, server-action answers), in a
 * URL it requested, in a cookie or web storage, in any row of any public table, or in the app's log. Tokens the token
 * API hands to an automation (and the API key it used) appear only in those API answers.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { test, expect, newPerson, signUpWithFacebook, approveOnFacebook } from "../support/fixtures";
import {
  AUTH_COOKIES,
  holdFacebookCallback,
  dashboardSlug,
  openFacebookDialogFromDashboard,
  expectAuthErrorPage,
  expectConnectFailedBanner,
  SIGN_IN_NOT_COMPLETED,
} from "../support/oauth-flow";
import { TokenScanner, dumpPublicTables } from "../support/leak-scan";
import { E2E } from "../support/ports";

function shown(leaks: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [where, tokens] of Object.entries(leaks)) if (tokens.length) out[where] = tokens.map((t) => `${t.slice(0, 12)}…`);
  return out;
}

test("no issued token in rendered HTML, network bodies, URLs, cookies, storage, any table or the app log", async ({
  page,
  context,
  fb,
  sql,
}) => {
  test.setTimeout(120_000);
  const requested: string[] = [];
  const bodies: { url: string; text: string }[] = [];
  const pending: Promise<void>[] = [];
  page.on("request", (req) => requested.push(req.url()));
  page.on("response", (res) => {
    if (new URL(res.url()).origin !== E2E.appUrl) return;
    pending.push(
      res.body().then(
        (b) => void bodies.push({ url: res.url(), text: b.toString("utf8") }),
        () => undefined, // redirects and aborted loads have no body
      ),
    );
  });
  const rendered: { where: string; html: string }[] = [];
  const storage: string[] = [];
  const snapshot = async (where: string) => {
    rendered.push({ where, html: await page.content() });
    storage.push(await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })));
  };

  const person = await newPerson(fb);
  const bulk = await newPerson(fb, { pages: 250 });

  // 1. Sign up and connect (3 Pages).
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await snapshot("dashboard after the first connect");

  // 2. Reconnect (rotates every token).
  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, person.name);
  await page.waitForURL(/\/t\/[^/]+/);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await snapshot("dashboard after the reconnect");

  // 3. A second identity with 250 Pages.
  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, bulk.name);
  await page.waitForURL(/\/t\/[^/]+/);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByRole("heading", { name: /\b253\b/ })).toBeVisible();
  await snapshot("dashboard with 253 Pages");

  // 4. A reconnect that fails in our connect step (Facebook 5xx on the long-lived exchange): the banner.
  await fb.failNext({
    path: "/oauth/access_token",
    match: { grant_type: "fb_exchange_token", person: person.id },
    response: { status: 500 },
  });
  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, person.name);
  await expectConnectFailedBanner(page, /temporary problem/i);
  await snapshot("dashboard with a failed connect");

  // 5. A callback Auth.js refuses (state cookie gone): the error page.
  await openFacebookDialogFromDashboard(page);
  const { callback } = await holdFacebookCallback(page);
  await approveOnFacebook(page, person.name);
  const url = await callback;
  await context.clearCookies({ name: AUTH_COOKIES.state });
  await page.goto(url.toString());
  await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
  await snapshot("auth error page");

  // 6. Every page the dashboard links to (other pages of the Page list, filters, members, audit log…), whatever the
  // dashboard's current design, then the landing page and the session endpoint.
  await page.goto("/start");
  await page.waitForURL(/\/t\/[^/]+/);
  await snapshot("dashboard");

  // 7. An automation receives the Page tokens through the token API with a key made for it: the key and the tokens
  // may appear only in those answers (made outside the browser's page, so not among the captured bodies), never in
  // any page, body, table or log scanned below (the crawl below visits the API keys page and the audit log).
  const slug = dashboardSlug(page);
  const created = await page.request.post(`/api/t/${slug}/api-keys`, {
    headers: { origin: E2E.appUrl },
    data: { name: "Leak scan automation", scopes: ["pages:read", "tokens:read"] },
  });
  expect(created.status()).toBe(200);
  const apiKey = ((await created.json()) as { key: string }).key;
  const handedOut: string[] = [];
  for (const p of person.pages) {
    const res = await page.request.post(`/api/v1/pages/${p.id}/token`, { headers: { authorization: `Bearer ${apiKey}` }, data: {} });
    expect(res.status()).toBe(200);
    expect(res.headers()["cache-control"]).toBe("no-store");
    handedOut.push(((await res.json()) as { token: string }).token);
  }
  await page.goto(`/t/${slug}/audit`);
  await expect(page.locator('[data-action="token.handed_out"]')).toHaveCount(person.pages.length);

  const links = await page.locator("a[href^='/']").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  const toVisit = [...new Set(links)].filter((href) => href && !href.startsWith("/api/") && !href.startsWith("/_next/")).slice(0, 40);
  expect(toVisit.length).toBeGreaterThan(0);
  for (const href of toVisit) {
    await page.goto(href);
    await snapshot(`linked page ${href}`);
  }
  await page.goto("/");
  await snapshot("landing page (signed in)");
  const session = await page.request.get("/api/auth/session");
  bodies.push({ url: session.url(), text: await session.text() });
  await Promise.all(pending);

  // What Facebook issued to these two people (kept even if someone resets the emulator), plus everything else it
  // issued during the run: every test's tokens must be absent from the shared database and log too.
  const mine = [...(await fb.tokens({ person: person.id })), ...(await fb.tokens({ person: bulk.id }))];
  expect(mine.filter((t) => t.personId === bulk.id && t.type === "PAGE").length).toBeGreaterThanOrEqual(250);
  expect(mine.filter((t) => t.personId === person.id && t.type === "USER" && t.source === "exchange")).toHaveLength(2);
  // The API handed out real tokens of this person's Pages.
  expect(mine.map((t) => t.token)).toEqual(expect.arrayContaining(handedOut));
  const scanner = new TokenScanner([...mine.map((t) => t.token), ...(await fb.issuedTokens()), apiKey]);
  expect(scanner.size).toBeGreaterThanOrEqual(mine.length);

  // The app did store them (encrypted): 253 active page tokens + 1 user token for this user.
  const { rows: stored } = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM ad_tokens t JOIN social_identities s ON s.id = t.social_identity_id
      WHERE s.external_user_id = ANY($1) AND t.deleted_at IS NULL`,
    [[person.id, bulk.id]],
  );
  expect(stored[0]?.n).toBe("254");

  // The captures are not empty: the dashboard's document and RSC bodies carried the Pages' names.
  expect(rendered.length).toBeGreaterThanOrEqual(7);
  expect(bodies.length).toBeGreaterThan(5);
  expect(bodies.some((b) => b.text.includes(`${bulk.name} Page`))).toBe(true);

  const leaks: Record<string, string[]> = {};
  for (const r of rendered) leaks[`html: ${r.where}`] = scanner.scan(r.html);
  for (const b of bodies) leaks[`body: ${b.url}`] = scanner.scan(b.text);
  leaks["requested URLs"] = scanner.scan(requested.join("\n"));
  leaks["web storage"] = scanner.scan(storage.join("\n"));
  const cookies = await context.cookies();
  expect(cookies.some((c) => c.name === AUTH_COOKIES.session)).toBe(true);
  leaks["cookies"] = scanner.scan(cookies.map((c) => `${c.domain} ${c.name}=${c.value}`).join("\n"));

  const tables = await dumpPublicTables(sql);
  expect([...tables.keys()]).toEqual(
    expect.arrayContaining(["ad_tokens", "accounts", "audit_events", "connect_attempts", "social_identities", "facebook_pages"]),
  );
  for (const [table, text] of tables) leaks[`table ${table}`] = scanner.scan(text);

  const log = readFileSync(E2E.appLog, "utf8");
  expect(log).toContain("facebook.connect.succeeded");
  leaks["app log"] = scanner.scan(log);

  expect(shown(leaks)).toEqual({});
});

test("the leak scanner finds a token however it is written (control for the test above)", () => {
  const token = `EAA${randomBytes(45)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .padEnd(60, "Z")
    .slice(0, 60)}`;
  const other = `EAA${"q".repeat(60)}`;
  const scanner = new TokenScanner([token, other]);
  expect(scanner.scan(`<li>${token}</li>`)).toEqual([token]);
  expect(scanner.scan(`0:["$","p",null,{"children":"x${token}y"}]`)).toEqual([token]);
  expect(scanner.scan(`(1,"\\x${Buffer.from(`{"t":"${token}"}`).toString("hex")}",abc)`)).toEqual([token]);
  expect(scanner.scan(`session=${Buffer.from(JSON.stringify({ access_token: token })).toString("base64url")}; Path=/`)).toEqual([token]);
  expect(scanner.scan(`/cb?x=1&t=${encodeURIComponent(`${token} `)}`)).toEqual([token]);
  expect(scanner.scan(`${token.slice(0, 40)}…[REDACTED]`)).toEqual([]);
  expect(scanner.scan("no tokens here")).toEqual([]);
});
