/**
 * OAuth negative cases: every refused or failed sign-in / connect shows a clear page or banner with what to do next,
 * and leaves the person's rows exactly as they were (users, accounts, memberships, identities, Pages, tokens and which
 * tokens are active). Failures Auth.js refuses land on /auth/error; failures in our connect step (after sign-in) show
 * the dashboard banner `connect-result` with data-outcome="failed".
 *
 * Injected Facebook failures use fail-next rules scoped to the test's own person (match.person), so they never fire
 * on another test's requests running in parallel.
 */
import type { BrowserContext, Cookie, Page } from "@playwright/test";
import type pg from "pg";
import type { EmulatorControl } from "../../emulators/facebook/client";
import { test, expect, newPerson, approveOnFacebook, signUpWithFacebook } from "../support/fixtures";
import { footprint, NO_FOOTPRINT, userIdOf, connectAttempts, type Footprint } from "../support/footprint";
import {
  AUTH_COOKIES,
  appCookie,
  requireAppCookie,
  holdFacebookCallback,
  recordCallbacks,
  openFacebookDialogFromLanding,
  openFacebookDialogFromDashboard,
  expectAuthErrorPage,
  expectConnectFailedBanner,
  SIGN_IN_NOT_COMPLETED,
  SIGN_IN_CANCELLED,
} from "../support/oauth-flow";
import { E2E } from "../support/ports";

/** Never answers (the emulator waits until the client gives up). */
const NEVER = 2_147_483_647;

function asCookieParam(c: Cookie) {
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    expires: c.expires,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: c.sameSite,
  };
}

async function signedInSession(context: BrowserContext): Promise<{ user?: { name?: string | null } } | null> {
  const res = await context.request.get(`${E2E.appUrl}/api/auth/session`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as { user?: { name?: string | null } } | null;
}

/** A connected person (3 Pages) on their dashboard, and their footprint at that point. */
async function connectedPerson(page: Page, fb: EmulatorControl, sql: pg.Pool) {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  const before: Footprint = await footprint(sql, person);
  expect(before).toMatchObject({ users: 1, accounts: 1, socialIdentities: 1, activeFacebookPages: 3, adTokens: 4, deletedAdTokens: 0 });
  return { person, before };
}

test.describe("refused by Auth.js before anything is written (error page)", () => {
  test("missing state cookie: the callback is refused and the connected person's rows stay as they were", async ({
    page,
    context,
    fb,
    sql,
  }) => {
    const { person, before } = await connectedPerson(page, fb, sql);
    await openFacebookDialogFromDashboard(page);
    const { callback } = await holdFacebookCallback(page);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    expect(await appCookie(context, AUTH_COOKIES.state)).toBeDefined();
    await context.clearCookies({ name: AUTH_COOKIES.state });

    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(before);
    // Auth.js refused before exchanging the code: Facebook issued no second short-lived token.
    expect(await fb.tokens({ person: person.id, source: "oauth" })).toHaveLength(1);
  });

  test("forged state parameter on the redirect back: refused, nothing written, code never exchanged", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    const { callback } = await holdFacebookCallback(page);
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    const state = url.searchParams.get("state") ?? "";
    expect(state.length).toBeGreaterThan(10);
    const forged = state.slice(0, -8) + (state.endsWith("AAAAAAAA") ? "BBBBBBBB" : "AAAAAAAA");
    url.searchParams.set("state", forged);

    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
    expect(await signedInSession(page.context())).toBeNull();
  });

  test("replayed callback: visiting the same callback URL again is refused and changes nothing", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    const seen = recordCallbacks(page);
    await signUpWithFacebook(page, person.name);
    await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
    const before = await footprint(sql, person);
    expect(seen).toHaveLength(1);

    await page.goto((seen[0] as URL).toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(before);
    expect(await fb.tokens({ person: person.id, source: "oauth" })).toHaveLength(1);
  });

  test("PKCE verifier mismatch (the verifier cookie of another flow): Facebook refuses the code, nothing written", async ({
    page,
    context,
    fb,
    sql,
  }) => {
    const person = await newPerson(fb);
    await openFacebookDialogFromLanding(page);
    const firstVerifier = await requireAppCookie(context, AUTH_COOKIES.pkce);
    const { callback } = await holdFacebookCallback(page);
    await openFacebookDialogFromLanding(page);
    const secondVerifier = await requireAppCookie(context, AUTH_COOKIES.pkce);
    expect(secondVerifier.value).not.toBe(firstVerifier.value);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    // The state matches this flow; the verifier is a valid one, but for the other flow's challenge.
    await context.addCookies([asCookieParam(firstVerifier)]);

    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
  });

  test("PKCE verifier cookie deleted before the callback: refused, nothing written", async ({ page, context, fb, sql }) => {
    const person = await newPerson(fb);
    const { callback } = await holdFacebookCallback(page);
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    expect(await appCookie(context, AUTH_COOKIES.pkce)).toBeDefined();
    await context.clearCookies({ name: AUTH_COOKIES.pkce });

    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
  });

  test("code reused: the same code with valid state and verifier cookies again is refused by Facebook, nothing changes", async ({
    page,
    context,
    fb,
    sql,
  }) => {
    const person = await newPerson(fb);
    const { callback } = await holdFacebookCallback(page);
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    const checks = [await requireAppCookie(context, AUTH_COOKIES.state), await requireAppCookie(context, AUTH_COOKIES.pkce)];

    await page.goto(url.toString());
    await page.waitForURL(/\/t\/[^/]+/);
    await expect(page.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
    const before = await footprint(sql, person);
    expect(before.activeTokenIds).toHaveLength(4);

    // Put back the (now cleared) check cookies, so only Facebook's single-use rule can stop the second exchange.
    await context.addCookies(checks.map(asCookieParam));
    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(before);
    expect(await fb.tokens({ person: person.id, source: "oauth" })).toHaveLength(1);
  });

  test("expired code: Facebook refuses the exchange, nothing written", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    const { callback } = await holdFacebookCallback(page);
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    const url = await callback;
    // Expire this person's code only (the emulator's clock is shared with tests running in parallel).
    expect(await fb.expireCodes(person.id)).toEqual({ ok: true, expired: 1 });

    await page.goto(url.toString());
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
  });

  test("error=access_denied (Cancel on Facebook): a 'cancelled' page that says how to connect, nothing written", async ({
    page,
    fb,
    sql,
  }) => {
    const person = await newPerson(fb);
    const seen = recordCallbacks(page);
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name, { cancel: true });
    await expectAuthErrorPage(page, SIGN_IN_CANCELLED);
    await expect(page.getByText(/press Continue on Facebook/i)).toBeVisible();
    // Signed out there is no dashboard: the way out is "Back" to the landing page.
    await expect(page.getByRole("link", { name: "Back to your dashboard" })).toHaveCount(0);
    await page.getByRole("link", { name: "Back", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await expect(page.getByRole("button", { name: "Continue with Facebook" })).toBeVisible();
    expect(seen[0]?.searchParams.get("error")).toBe("access_denied");
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await signedInSession(page.context())).toBeNull();
  });

  test("malformed token response from Facebook: refused, nothing written", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    const rule = await fb.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "authorization_code", person: person.id },
      response: { malformed: true },
    });
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
  });

  test("Facebook 5xx on the token endpoint: refused, nothing written", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    const rule = await fb.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "authorization_code", person: person.id },
      response: { status: 503 },
    });
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
    expect(await fb.tokens({ person: person.id })).toEqual([]);
  });

  test("Facebook never answers the token endpoint: the app gives up (FACEBOOK_TIMEOUT_MS) and refuses, nothing written", async ({
    page,
    fb,
    sql,
  }) => {
    const person = await newPerson(fb);
    const rule = await fb.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "authorization_code", person: person.id },
      response: { timeoutMs: NEVER },
    });
    await openFacebookDialogFromLanding(page);
    await approveOnFacebook(page, person.name);
    await expectAuthErrorPage(page, SIGN_IN_NOT_COMPLETED);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    // (When the app hangs up, the emulator still finishes the exchange, as a slow Facebook would: that token exists
    // on Facebook's side but the app never saw it.)
    expect(await footprint(sql, person)).toEqual(NO_FOOTPRINT);
  });
});

test("connecting a Facebook identity that already belongs to another user is refused; neither user's rows change", async ({
  page,
  browser,
  fb,
  sql,
}) => {
  const other = await newPerson(fb);
  const otherContext = await browser.newContext({ baseURL: E2E.appUrl });
  const otherPage = await otherContext.newPage();
  await signUpWithFacebook(otherPage, other.name);
  await expect(otherPage.getByTestId("connect-result")).toHaveAttribute("data-outcome", "succeeded");
  await otherContext.close();
  const otherBefore = await footprint(sql, other);
  expect(otherBefore).toMatchObject({ users: 1, accounts: 1, socialIdentities: 1, adTokens: 4 });

  const { person, before } = await connectedPerson(page, fb, sql);
  await openFacebookDialogFromDashboard(page);
  await approveOnFacebook(page, other.name);
  await expectAuthErrorPage(page, /belongs to another login/i);
  expect(await footprint(sql, person)).toEqual(before);
  expect(await footprint(sql, other)).toEqual(otherBefore);
});

test.describe("failed in the connect step after sign-in (dashboard banner)", () => {
  test("declined pages_show_list: the banner names the permission, no identity, Page or token rows", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    await signUpWithFacebook(page, person.name, { untickScopes: ["pages_show_list"] });
    const text = await expectConnectFailedBanner(page, /pages_show_list/);
    expect(text).toMatch(/keep it ticked/i);
    await expect(page.getByTestId("page-row")).toHaveCount(0);
    // Signed in (user, account, personal workspace) but nothing of Facebook's stored.
    expect(await footprint(sql, person)).toEqual({ ...NO_FOOTPRINT, users: 1, accounts: 1, memberships: 1 });
    const attempts = await connectAttempts(sql, (await userIdOf(sql, person.id)) as string);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: "failed", step: "permissions", error_code: "missing_permission" });
    expect(attempts[0]?.declined_scopes).toContain("pages_show_list");
  });

  test("every Page unticked: the banner says no Pages were shared, no identity, Page or token rows", async ({ page, fb, sql }) => {
    const person = await newPerson(fb);
    await signUpWithFacebook(page, person.name, { untickPages: person.pages.map((p) => p.name as string) });
    await expectConnectFailedBanner(page, /no Pages/i);
    await expect(page.getByTestId("page-row")).toHaveCount(0);
    expect(await footprint(sql, person)).toEqual({ ...NO_FOOTPRINT, users: 1, accounts: 1, memberships: 1 });
    const attempts = await connectAttempts(sql, (await userIdOf(sql, person.id)) as string);
    expect(attempts.map((a) => [a.outcome, a.error_code])).toEqual([["failed", "no_pages"]]);
  });

  test("Facebook 5xx on the long-lived token exchange during a reconnect: banner, previous connection untouched", async ({
    page,
    fb,
    sql,
  }) => {
    const { person, before } = await connectedPerson(page, fb, sql);
    const rule = await fb.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: person.id },
      response: { status: 500 },
    });
    await openFacebookDialogFromDashboard(page);
    await approveOnFacebook(page, person.name);
    await expectConnectFailedBanner(page, /long-lived token.*temporary problem/i);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    expect(await footprint(sql, person)).toEqual(before);
    await expect(page.getByTestId("page-row")).toHaveCount(3);
  });

  test("Facebook never answers the long-lived exchange during a reconnect: the app gives up, banner, nothing changed", async ({
    page,
    fb,
    sql,
  }) => {
    const { person, before } = await connectedPerson(page, fb, sql);
    const rule = await fb.failNext({
      path: "/oauth/access_token",
      match: { grant_type: "fb_exchange_token", person: person.id },
      response: { timeoutMs: NEVER },
    });
    await openFacebookDialogFromDashboard(page);
    await approveOnFacebook(page, person.name);
    await expectConnectFailedBanner(page, /did not answer in time/i);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    expect(await footprint(sql, person)).toEqual(before);
  });

  test("the last page of a 250-Page list fails: nothing half-written (no identity, Page or token rows)", async ({ page, fb, sql }) => {
    const person = await newPerson(fb, { pages: 250 });
    const rule = await fb.failNext({ path: "/me/accounts", match: { page: 3, person: person.id }, response: { malformed: "wrong-shape" } });
    await signUpWithFacebook(page, person.name);
    await expectConnectFailedBanner(page, /reading your Facebook Pages/i);
    expect((await fb.failureRules()).map((r) => r.id)).not.toContain(rule.id);
    expect(await footprint(sql, person)).toEqual({ ...NO_FOOTPRINT, users: 1, accounts: 1, memberships: 1 });
  });
});

test.describe("open redirect: sign-in never sends the browser to another origin", () => {
  const evil = ["https://evil.example/steal", "//evil.example/steal", "/\\evil.example/steal", `${E2E.appUrl}.evil.example/steal`];

  /** Signed out on the landing page, posts Auth.js's sign-in form with this callbackUrl (as an attacker's page could). */
  async function postSignIn(page: Page, callbackUrl: string): Promise<void> {
    await page.goto("/");
    const csrfRes = await page.request.get("/api/auth/csrf");
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    await page.evaluate(
      ({ csrfToken, callbackUrl }) => {
        const form = document.createElement("form");
        form.method = "POST";
        form.action = "/api/auth/signin/facebook";
        for (const [name, value] of Object.entries({ csrfToken, callbackUrl })) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      },
      { csrfToken, callbackUrl },
    );
    await page.waitForURL(/\/dialog\/oauth/);
  }

  test("control: a same-origin callbackUrl posted the same way is honoured (so the refusals below are real)", async ({ page, fb }) => {
    const person = await newPerson(fb);
    await postSignIn(page, "/auth/error?error=Verification");
    await approveOnFacebook(page, person.name);
    await page.waitForURL((url) => url.origin === E2E.appUrl && url.pathname === "/auth/error");
    expect(new URL(page.url()).searchParams.get("error")).toBe("Verification");
  });

  for (const callbackUrl of evil) {
    test(`callbackUrl=${callbackUrl} posted to /api/auth/signin/facebook ends on this origin`, async ({ page, context, fb }) => {
      const person = await newPerson(fb);
      const offsite: string[] = [];
      await context.route(
        (url) => url.hostname.endsWith("evil.example"),
        async (route) => {
          offsite.push(route.request().url());
          await route.abort();
        },
      );
      await postSignIn(page, callbackUrl);
      expect((await appCookie(context, AUTH_COOKIES.callbackUrl))?.value ?? "").not.toContain("evil.example");
      await approveOnFacebook(page, person.name);
      await page.waitForURL((url) => url.origin === E2E.appUrl && !url.pathname.startsWith("/api/auth"));
      await page.waitForLoadState("load");

      expect(new URL(page.url()).origin).toBe(E2E.appUrl);
      expect(offsite).toEqual([]);
      expect((await signedInSession(context))?.user?.name).toBe(person.name);
    });
  }

  test("control: a same-origin authjs.callback-url cookie set during the flow is followed", async ({ page, context, fb }) => {
    const person = await newPerson(fb);
    await openFacebookDialogFromLanding(page);
    const original = await requireAppCookie(context, AUTH_COOKIES.callbackUrl);
    await context.addCookies([{ ...asCookieParam(original), value: encodeURIComponent(`${E2E.appUrl}/auth/error?error=Verification`) }]);
    await approveOnFacebook(page, person.name);
    await page.waitForURL((url) => url.origin === E2E.appUrl && url.pathname === "/auth/error");
    expect(new URL(page.url()).searchParams.get("error")).toBe("Verification");
  });

  test("an evil authjs.callback-url cookie set during the flow is ignored: the callback ends on this origin", async ({
    page,
    context,
    fb,
  }) => {
    const person = await newPerson(fb);
    const offsite: string[] = [];
    await context.route(
      (url) => url.hostname.endsWith("evil.example"),
      async (route) => {
        offsite.push(route.request().url());
        await route.abort();
      },
    );
    await openFacebookDialogFromLanding(page);
    const original = await requireAppCookie(context, AUTH_COOKIES.callbackUrl);
    await context.addCookies([{ ...asCookieParam(original), value: encodeURIComponent("https://evil.example/steal") }]);
    await approveOnFacebook(page, person.name);
    await page.waitForURL((url) => url.origin === E2E.appUrl && !url.pathname.startsWith("/api/auth"));
    await page.waitForLoadState("load");

    expect(new URL(page.url()).origin).toBe(E2E.appUrl);
    expect(offsite).toEqual([]);
    expect((await signedInSession(context))?.user?.name).toBe(person.name);
  });
});
