/** CSRF guard for the dashboard's JSON route handlers (pure: no session, no env). */

/** True when a browser could only have sent this request from our own origin. */
export function isSameOriginJson(req: Request): boolean {
  // Exactly application/json (a "text/plain; x=application/json" is a simple request a cross-site page can send).
  const mime = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (mime !== "application/json") return false;
  const site = req.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  // Browsers without Fetch Metadata: the Origin header must be ours (absent only for non-browser clients).
  const origin = req.headers.get("origin");
  return origin === null || origin === new URL(req.url).origin;
}
