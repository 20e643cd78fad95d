/**
 * The Content-Security-Policy of every page, built per request by proxy.ts with a fresh nonce: scripts run only if
 * they carry the nonce (Next.js puts it on its own scripts when it reads this header from the request), and only the
 * hosts the app needs are listed: itself, Facebook's login dialog (form submissions redirect there) and Facebook's
 * picture CDNs, or the local emulator's origins in development and tests. Pure: no env, no server code.
 */

export interface CspInput {
  nonce: string;
  /** FACEBOOK_DIALOG_URL's origin: sign-in and connect forms end in a redirect there. */
  dialogOrigin: string;
  /** FACEBOOK_GRAPH_URL's origin: the emulator serves Page and profile pictures from here. */
  graphOrigin: string;
  /** `next dev` needs eval for fast refresh. */
  dev: boolean;
}

/** Where Facebook serves Page and profile pictures. */
export const FACEBOOK_IMAGE_HOSTS = ["https://*.fbcdn.net", "https://platform-lookaside.fbsbx.com"] as const;

const isFacebook = (origin: string) => /^https:\/\/([a-z0-9-]+\.)*facebook\.com$/.test(origin);

export function buildCsp(input: CspInput): string {
  const images = ["'self'", "data:", ...FACEBOOK_IMAGE_HOSTS, ...(isFacebook(input.graphOrigin) ? [] : [input.graphOrigin])];
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'${input.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src ${[...new Set(images)].join(" ")}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${input.dialogOrigin}`,
  ].join("; ");
}

/** A path whose percent-encoding cannot be decoded (`/t/%ZZ`): the proxy answers 400 instead of Next's 500. */
export function hasMalformedPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** Methods the app answers; anything else (TRACE, CONNECT, …) is 405 before it reaches Next. */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "OPTIONS"] as const;

/**
 * A server action posted from another site: Next.js refuses it by throwing (a 500). The proxy answers 403 first.
 * A request without Origin is left to Next (same-site form posts from old browsers).
 */
export function isCrossSiteServerAction(h: { method: string; headers: Headers }): boolean {
  if (h.method !== "POST" || !h.headers.has("next-action")) return false;
  const origin = h.headers.get("origin");
  if (!origin) return false;
  const host = (h.headers.get("x-forwarded-host") ?? h.headers.get("host") ?? "").split(",")[0]?.trim();
  try {
    return origin === "null" || new URL(origin).host !== host;
  } catch {
    return true;
  }
}
