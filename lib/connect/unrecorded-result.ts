import "server-only";
import { z } from "zod";
import { openSignedValue, signValue } from "../auth/signed-value";
import { env } from "../env";
import type { AttemptView } from "../workspace/dashboard-data";
import type { ConnectError } from "./connect-error";

/**
 * A connect whose result could not be written (the database failed after Facebook answered) still reaches the
 * person: the callback puts the failed result in a short-lived signed cookie, and the dashboard shows it instead of
 * the latest recorded attempt when it is newer, so an older attempt's "Connected … 3 Pages" is never presented as
 * the result of the connect just made. Holds no token, no Facebook name or id.
 */

export const CONNECT_RESULT_COOKIE = "connect_result";
export const CONNECT_RESULT_TTL_S = 10 * 60;
const PURPOSE = "connect-result/v1";

const unrecorded = z.object({
  tenantId: z.string(),
  userId: z.string(),
  step: z.string(),
  message: z.string().max(1000),
  at: z.iso.datetime(),
});
export type UnrecordedResult = z.infer<typeof unrecorded>;

export function signUnrecordedResult(ctx: { tenantId: string; userId: string }, error: ConnectError, at = new Date()): string {
  const value: UnrecordedResult = {
    tenantId: ctx.tenantId,
    userId: ctx.userId,
    step: error.step,
    message: error.userMessage,
    at: at.toISOString(),
  };
  return signValue(PURPOSE, value);
}

/** The cookie's result if authentic, for this workspace and person, and not older than its lifetime; else null. */
export function readUnrecordedResult(
  cookie: string | undefined,
  ctx: { tenantId: string; userId: string },
  now = new Date(),
): UnrecordedResult | null {
  const parsed = unrecorded.safeParse(openSignedValue(PURPOSE, cookie));
  if (!parsed.success) return null;
  const r = parsed.data;
  if (r.tenantId !== ctx.tenantId || r.userId !== ctx.userId) return null;
  if (now.getTime() - Date.parse(r.at) > CONNECT_RESULT_TTL_S * 1000) return null;
  return r;
}

/** What the dashboard's "latest Connect Facebook" banner shows: the newer of the recorded attempt and the unrecorded one. */
export function latestConnectResult(recorded: AttemptView | null, unrecordedResult: UnrecordedResult | null): AttemptView | null {
  if (!unrecordedResult) return recorded;
  if (recorded && Date.parse(recorded.createdAt) >= Date.parse(unrecordedResult.at)) return recorded;
  return {
    id: `unrecorded-${unrecordedResult.at}`,
    platform: "facebook",
    identityName: null,
    outcome: "failed",
    message: unrecordedResult.message,
    step: unrecordedResult.step,
    createdAt: unrecordedResult.at,
    declinedScopes: [],
  };
}

export function connectResultCookieOptions() {
  const e = env();
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: e.NODE_ENV === "production" && !e.AUTH_URL?.startsWith("http://"),
    path: "/",
    maxAge: CONNECT_RESULT_TTL_S,
  };
}
