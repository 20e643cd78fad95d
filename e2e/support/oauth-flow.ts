import { expect, type BrowserContext, type Cookie, type Page } from "@playwright/test";
import { E2E } from "./ports";

/** Auth.js's cookie names on http://localhost (no __Secure- prefix). */
export const AUTH_COOKIES = {
  state: "authjs.state",
  pkce: "authjs.pkce.code_verifier",
  callbackUrl: "authjs.callback-url",
  csrf: "authjs.csrf-token",
  session: "authjs.session-token",
} as const;

export const CALLBACK_PATH = "/api/auth/callback/facebook";

const isCallback = (url: URL): boolean => url.origin === E2E.appUrl && url.pathname === CALLBACK_PATH;

/**
 * Stops the browser at Facebook's redirect back to the app: the callback request never reaches the app (the test
 * gets its URL and the browser shows a placeholder), so the test can change cookies, the clock or the URL, then visit
 * the callback itself with page.goto. Call before the click that approves (or cancels) on the consent page.
 *
 * Playwright does not route the request a redirect leads to, so this routes the consent form's POST instead, runs it
 * without following redirects, and keeps the Location when it points at the app's callback.
 */
export async function holdFacebookCallback(page: Page): Promise<{ callback: Promise<URL> }> {
  let resolve: (url: URL) => void = () => {};
  const callback = new Promise<URL>((r) => {
    resolve = r;
  });
  await page.route(
    (url) => url.pathname.endsWith("/dialog/oauth/decide"),
    async (route) => {
      const res = await route.fetch({ maxRedirects: 0 });
      const location = res.headers()["location"];
      const target = location ? new URL(location, route.request().url()) : null;
      if (!target || !isCallback(target)) {
        await route.fulfill({ response: res });
        return;
      }
      await route.fulfill({
        status: 200,
        contentType: "text/html",
        body: "<!doctype html><title>held</title><p>Callback held by the test.</p>",
      });
      resolve(target);
    },
    { times: 1 },
  );
  return { callback };
}

/** Records every callback URL the browser visits (to replay one later). */
export function recordCallbacks(page: Page): URL[] {
  const seen: URL[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (isCallback(url)) seen.push(url);
  });
  return seen;
}

/** Landing page → "Continue with Facebook" → the emulator's consent page (signed-out sign-up / sign-in). */
export async function openFacebookDialogFromLanding(page: Page): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Continue with Facebook" }).click();
  await page.waitForURL(/\/dialog\/oauth/);
}

/** Dashboard → "Connect Facebook" → the emulator's consent page (a signed-in member connecting into this tenant). */
export async function openFacebookDialogFromDashboard(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect Facebook" }).click();
  await page.waitForURL(/\/dialog\/oauth/);
}

export async function appCookie(context: BrowserContext, name: string): Promise<Cookie | undefined> {
  return (await context.cookies(E2E.appUrl)).find((c) => c.name === name);
}

export async function requireAppCookie(context: BrowserContext, name: string): Promise<Cookie> {
  const c = await appCookie(context, name);
  if (!c) throw new Error(`expected the app to have set the ${name} cookie`);
  return c;
}

/** The tenant dashboard the browser is on: /t/<slug>. */
export function dashboardSlug(page: Page): string {
  const m = /\/t\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a tenant dashboard: ${page.url()}`);
  return m[1];
}

/**
 * Auth.js refused the callback: the browser is on the app's error page, which names what happened and offers a way
 * to start again; the page says nothing was saved.
 */
export async function expectAuthErrorPage(page: Page, title: RegExp | string): Promise<void> {
  await page.waitForURL((url) => url.origin === E2E.appUrl && url.pathname === "/auth/error");
  await expect(page.getByTestId("auth-error-title")).toHaveText(title);
  await expect(page.getByText(/start again|try again/i).first()).toBeVisible();
  // Signed in it is a link to the start page; signed out a button that goes straight back to Facebook.
  await expect(page.getByRole("link", { name: /start again/i }).or(page.getByRole("button", { name: /start again/i }))).toBeVisible();
  await expect(page.getByText(/nothing was saved/i)).toBeVisible();
}

/** Words on the error page for a refused callback (state, PKCE, code or token exchange trouble). */
export const SIGN_IN_NOT_COMPLETED = /sign-in could not be completed/i;
/** Words on the error page when the person pressed Cancel on Facebook. */
export const SIGN_IN_CANCELLED = /cancelled/i;

/** Our connect step failed after sign-in: the dashboard's banner says so, with what to do next. */
export async function expectConnectFailedBanner(page: Page, words: RegExp): Promise<string> {
  await page.waitForURL(/\/t\/[^/]+/);
  const banner = page.getByTestId("connect-result");
  await expect(banner).toHaveAttribute("data-outcome", "failed");
  await expect(banner).toContainText(words);
  await expect(banner).toContainText(/connect again|try again|reconnect/i);
  return (await banner.textContent()) ?? "";
}
