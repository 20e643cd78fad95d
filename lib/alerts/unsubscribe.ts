import "server-only";
import { errorResponse } from "../http/respond";
import { logger } from "../log/logger";
import { setEmailMode } from "./alert-email";
import { verifyUnsubscribeToken } from "./unsubscribe-token";

/**
 * One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL;
 * our own /unsubscribe page POSTs the same form. No session needed: the signed token names the workspace and the
 * person, and can only turn that person's alert emails for that workspace off. A GET changes nothing (link
 * scanners fetch links): it sends the browser to the confirmation page.
 */

export async function handleUnsubscribePost(request: Request): Promise<Response> {
  const t = new URL(request.url).searchParams.get("t") ?? "";
  const who = verifyUnsubscribeToken(t);
  if (!who)
    return errorResponse(400, "invalid", "This unsubscribe link is not valid. Change your email settings in the workspace instead.");
  await setEmailMode(undefined, who.tenantId, who.userId, "off");
  logger.info("alerts.unsubscribed", { tenantId: who.tenantId, userId: who.userId });
  const wantsHtml = (request.headers.get("accept") ?? "").includes("text/html");
  if (wantsHtml) return new Response(null, { status: 303, headers: { location: "/unsubscribe?done=1", "cache-control": "no-store" } });
  return new Response("Unsubscribed.", {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

export function handleUnsubscribeGet(request: Request): Response {
  const t = new URL(request.url).searchParams.get("t") ?? "";
  return new Response(null, { status: 303, headers: { location: `/unsubscribe?t=${encodeURIComponent(t)}`, "cache-control": "no-store" } });
}
