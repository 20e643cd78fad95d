import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { currentUser, type SessionUser } from "../auth/session";
import type { ActionError, ActionResult } from "./manage";
import { isSameOriginJson } from "./same-origin";

/**
 * What the dashboard's route handlers share: the signed-in person, a same-origin JSON body parsed with zod, and
 * one mapping from action results to HTTP. Another tenant's ids answer 404 exactly like ids that never existed.
 */

const STATUS: Record<ActionError["code"], number> = { not_found: 404, forbidden: 403, invalid: 422, facebook: 502 };

export function errorResponse(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}

export function notFoundResponse(): NextResponse {
  return errorResponse(404, "not_found", "Not found.");
}

export function resultResponse<T>(result: ActionResult<T>): NextResponse {
  if (result.ok) return NextResponse.json(result.value, { headers: { "Cache-Control": "no-store" } });
  // The same words for every 404, whatever the reason: nothing to tell ids of another tenant apart.
  if (result.error.code === "not_found") return notFoundResponse();
  return errorResponse(STATUS[result.error.code], result.error.code, result.error.message);
}

type Parsed<T> = { ok: true; user: SessionUser; body: T } | { ok: false; response: NextResponse };

/**
 * The signed-in person and the request's JSON body. Refuses requests another site could make from a browser: the
 * body must be exactly `application/json` (cross-site pages cannot send it without a CORS preflight, which we never
 * allow), and Fetch Metadata (or, without it, Origin) must say same-origin — a sibling subdomain is refused too.
 */
export async function readAction<S extends z.ZodType>(req: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  const user = await currentUser();
  if (!user) return { ok: false, response: errorResponse(401, "signed_out", "You are signed out. Sign in again, then retry.") };
  if (!isSameOriginJson(req)) {
    return { ok: false, response: errorResponse(415, "bad_request", "Send this request from the app (JSON, same origin).") };
  }
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    return { ok: false, response: errorResponse(400, "bad_request", "The request body is not valid JSON.") };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, response: errorResponse(422, "invalid", first?.message ?? "Some fields are not valid.") };
  }
  return { ok: true, user, body: parsed.data };
}

export { isUuid } from "../db/uuid";
