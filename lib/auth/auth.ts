import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { NextRequest } from "next/server";
import NextAuth, { customFetch, type NextAuthConfig } from "next-auth";
import Facebook from "next-auth/providers/facebook";
import TikTok from "next-auth/providers/tiktok";
import { db } from "../db/client";
import { env } from "../env";
import { facebookConfig, FACEBOOK_SCOPES } from "../facebook/config";
import { logger } from "../log/logger";
import { appsecretProof } from "../facebook/graph-client";
import { createAuthAdapter } from "./adapter";
import { completeFacebookSignIn } from "./complete-facebook-sign-in";
import { completeTikTokConnect, tiktokConnectAllowed } from "./complete-tiktok-connect";
import { tiktokProvider } from "./tiktok-provider";
import { safeRedirect } from "./safe-redirect";
import { withoutControlCharacters } from "../workspace/control-characters";
import { currentSessionGeneration } from "./session-generation";
import { randomUUID } from "node:crypto";
import { databaseUnavailableReason } from "../db/unavailable";
import { DATABASE_UNAVAILABLE_AUTH_ERROR } from "./auth-errors";

const AUTH_ERROR_PAGE = "/auth/error";

/** Per Auth.js request: whether it failed because the database was unavailable (set from Auth.js's error logger). */
const authRequest = new AsyncLocalStorage<{ databaseUnavailable?: string }>();

interface FacebookProfile {
  id: string;
  name?: string;
  email?: string;
  picture?: { data?: { url?: string } };
}

function config(): NextAuthConfig {
  const e = env();
  const fb = facebookConfig();
  return {
    secret: e.AUTH_SECRET,
    trustHost: true,
    adapter: createAuthAdapter(db()),
    // Stateless sessions (a signed, encrypted cookie): no session query per request, fits Vercel.
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    // Both kinds of Auth.js failure land on one page that says what happened and what to do.
    pages: { signIn: AUTH_ERROR_PAGE, error: AUTH_ERROR_PAGE },
    providers: [
      Facebook({
        clientId: fb.appId,
        clientSecret: fb.appSecret,
        // An object, not a string: a string replaces the default params and drops the scope.
        authorization: { url: `${fb.dialogBase}/dialog/oauth`, params: { scope: FACEBOOK_SCOPES.join(",") } },
        token: `${fb.graphBase}/oauth/access_token`,
        userinfo: {
          url: `${fb.graphBase}/me?fields=id,name,email,picture`,
          async request({ tokens }: { tokens: { access_token?: string } }) {
            const url = new URL(`${fb.graphBase}/me`);
            url.searchParams.set("fields", "id,name,email,picture");
            if (fb.appsecretProof) url.searchParams.set("appsecret_proof", appsecretProof(tokens.access_token ?? "", fb.appSecret));
            const res = await fetch(url, {
              headers: { Authorization: `Bearer ${tokens.access_token ?? ""}` },
              signal: AbortSignal.timeout(fb.timeoutMs),
            });
            if (!res.ok) throw new Error(`Facebook /me answered HTTP ${res.status}`);
            return (await res.json()) as FacebookProfile;
          },
        },
        profile(profile: FacebookProfile) {
          // Control characters (a NUL would make PostgreSQL refuse the sign-in) are dropped from what Facebook sends.
          const clean = (v: string | undefined) => (v === undefined ? null : withoutControlCharacters(v).trim() || null);
          return { id: profile.id, name: clean(profile.name), email: clean(profile.email), image: profile.picture?.data?.url ?? null };
        },
        // The provider's default is ["pkce"] only.
        checks: ["pkce", "state"],
        // Auth.js calls the token endpoint with plain fetch and no time limit: a Facebook that never answers would
        // hold the callback open until the platform kills it. Give up after FACEBOOK_TIMEOUT_MS like every Graph call
        // (the callback then fails with the "sign-in could not be completed" page, before anything is written).
        [customFetch]: (input: RequestInfo | URL, init?: RequestInit) => {
          const timeout = AbortSignal.timeout(fb.timeoutMs);
          return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
        },
      }),
      // Only when TikTok is configured (TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET); the button is hidden otherwise.
      ...tiktokProvider(TikTok),
    ],
    callbacks: {
      // TikTok is for connecting a workspace, not for signing in: without a connect intent nothing starts.
      signIn: async ({ account }) => (account?.provider === "tiktok" ? tiktokConnectAllowed() : true),
      redirect: ({ url, baseUrl }) => safeRedirect(url, baseUrl),
      // At sign-in the session gets its own id and the person's current session generation (see
      // session-generation.ts): signing out ends this id, "sign out everywhere" bumps the generation.
      async jwt({ token, user }) {
        if (user?.id) {
          token.sub = user.id;
          token.sid = randomUUID();
          token.gen = await currentSessionGeneration(user.id);
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      async signIn({ user, account, profile, isNewUser }) {
        if (account?.provider === "tiktok" && user.id) {
          await completeTikTokConnect({ userId: user.id, account, profile });
          return;
        }
        if (account?.provider !== "facebook" || !account.access_token || !user.id) return;
        await completeFacebookSignIn({
          userId: user.id,
          userName: user.name ?? null,
          shortLivedToken: account.access_token,
          isNewUser: isNewUser === true,
        });
      },
    },
    logger: {
      error: (error) => {
        const store = authRequest.getStore();
        const reason = databaseUnavailableReason(error);
        if (store && reason) store.databaseUnavailable = reason;
        logger.error("auth.error", { error });
      },
      warn: (code) => logger.warn("auth.warn", { code }),
      debug: () => {},
    },
  };
}

const nextAuth = NextAuth(() => config());
export const { auth, signIn, signOut } = nextAuth;

/** The Auth.js routes of one provider: a failure there is that provider's (TikTok's cancel is not Facebook's). */
const PROVIDER_ROUTE = /^\/api\/auth\/(?:callback|signin)\/(facebook|tiktok)$/;

/**
 * Auth.js sends every failure to the error page as "Configuration", which read as "Facebook did not answer as
 * expected" when it was our database that failed (e.g. a sign-in during an outage). When the failure was the
 * database being unavailable, the error page is told so, and says it. The page is also told which provider's
 * route failed (`provider=tiktok`), so a refused TikTok connection is not worded as Facebook's.
 */
function namingOutages(handler: (req: NextRequest) => Promise<Response>) {
  return (req: NextRequest) => {
    const store: { databaseUnavailable?: string } = {};
    return authRequest.run(store, async () => {
      const res = await handler(req);
      const location = res.headers.get("location");
      if (!location) return res;
      const url = new URL(location, req.url);
      if (url.pathname !== AUTH_ERROR_PAGE) return res;
      const provider = PROVIDER_ROUTE.exec(new URL(req.url).pathname)?.[1];
      if (!store.databaseUnavailable && !provider) return res;
      if (provider) url.searchParams.set("provider", provider);
      if (store.databaseUnavailable) {
        url.searchParams.set("error", DATABASE_UNAVAILABLE_AUTH_ERROR);
        logger.warn("auth.database_unavailable", { reason: store.databaseUnavailable });
      }
      const headers = new Headers(res.headers);
      headers.set("location", url.toString());
      return new Response(null, { status: res.status, headers });
    });
  };
}

export const handlers = { GET: namingOutages(nextAuth.handlers.GET), POST: namingOutages(nextAuth.handlers.POST) };
