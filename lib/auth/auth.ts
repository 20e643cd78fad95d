import "server-only";
import NextAuth, { customFetch, type NextAuthConfig } from "next-auth";
import Facebook from "next-auth/providers/facebook";
import { db } from "../db/client";
import { env } from "../env";
import { facebookConfig, FACEBOOK_SCOPES } from "../facebook/config";
import { logger } from "../log/logger";
import { appsecretProof } from "../facebook/graph-client";
import { createAuthAdapter } from "./adapter";
import { completeFacebookSignIn } from "./complete-facebook-sign-in";
import { safeRedirect } from "./safe-redirect";
import { withoutControlCharacters } from "../workspace/contract";
import { currentSessionGeneration } from "./session-generation";
import { randomUUID } from "node:crypto";

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
    pages: { signIn: "/auth/error", error: "/auth/error" },
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
    ],
    callbacks: {
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
      async signIn({ user, account, isNewUser }) {
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
      error: (error) => logger.error("auth.error", { error }),
      warn: (code) => logger.warn("auth.warn", { code }),
      debug: () => {},
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
