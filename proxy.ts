import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env";
import { ALLOWED_METHODS, buildCsp, hasMalformedPercentEncoding, isCrossSiteServerAction } from "./lib/http/csp";
import { errorResponse } from "./lib/http/respond";

/**
 * Next.js 16's proxy (formerly middleware), before every request:
 * - a method the app does not answer (TRACE, CONNECT, …) → 405 with Allow, instead of Next's 500;
 * - a path with malformed percent-encoding (`/t/%ZZ`) → 400, instead of Next's 500;
 * - a server action posted from another site → 403, instead of Next's 500;
 * - otherwise a fresh CSP nonce: the policy goes on the request (Next.js reads the nonce from it and puts it on its
 *   own scripts) and on the response.
 */
export function proxy(request: NextRequest): NextResponse | Response {
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
    return errorResponse(405, "method_not_allowed", `This app does not answer ${request.method.slice(0, 16)} requests.`, {
      Allow: ALLOWED_METHODS.join(", "),
    });
  }
  if (hasMalformedPercentEncoding(request.nextUrl.pathname)) {
    return errorResponse(400, "bad_request", "The address is not valid (malformed percent-encoding). Check the link and try again.");
  }
  if (isCrossSiteServerAction(request)) {
    return errorResponse(403, "cross_site", "This action can only be sent from the app's own pages. Open the app and try again.");
  }
  const e = env();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const csp = buildCsp({
    nonce,
    dialogOrigin: new URL(e.FACEBOOK_DIALOG_URL).origin,
    graphOrigin: new URL(e.FACEBOOK_GRAPH_URL).origin,
    dev: e.NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Everything but the build's static files (hashed, no scripts of ours run from them without a page).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
