/** Graph API error bodies, shaped like graph.facebook.com's. */
import { randomBase62 } from "./ids.js";
import type { GraphResult } from "./types.js";

export interface GraphErrorOptions {
  subcode?: number | undefined;
  status?: number | undefined;
  userTitle?: string | undefined;
  userMsg?: string | undefined;
}

/** Thrown by handlers; turned into an error response by the dispatcher. */
export class GraphError extends Error {
  readonly code: number;
  readonly subcode: number | undefined;
  readonly status: number;
  readonly userTitle: string | undefined;
  readonly userMsg: string | undefined;

  constructor(code: number, message: string, opts: GraphErrorOptions = {}) {
    super(message);
    this.code = code;
    this.subcode = opts.subcode;
    this.status = opts.status ?? statusForCode(code);
    this.userTitle = opts.userTitle;
    this.userMsg = opts.userMsg;
  }
}

/** Permission errors (10, 200-299) are 403, everything else 400. */
export function statusForCode(code: number): number {
  return code === 10 || (code >= 200 && code <= 299) ? 403 : 400;
}

export function fbtraceId(): string {
  return "A" + randomBase62(22);
}

export function errorBody(err: GraphError): Record<string, unknown> {
  const error: Record<string, unknown> = { message: err.message, type: "OAuthException", code: err.code };
  if (err.subcode !== undefined) error["error_subcode"] = err.subcode;
  if (err.userTitle !== undefined) error["error_user_title"] = err.userTitle;
  if (err.userMsg !== undefined) error["error_user_msg"] = err.userMsg;
  error["fbtrace_id"] = fbtraceId();
  return { error };
}

export function errorResult(err: GraphError): GraphResult {
  return jsonResult(err.status, errorBody(err));
}

export function jsonResult(status: number, value: unknown): GraphResult {
  return { status, body: JSON.stringify(value), contentType: "application/json; charset=UTF-8" };
}

/** Default messages for codes a test may inject via fail-next. */
export function defaultMessage(code: number): string {
  switch (code) {
    case 1:
      return "An unknown error has occurred.";
    case 2:
      return "An unexpected error has occurred. Please retry your request later.";
    case 4:
      return "(#4) Application request limit reached";
    case 10:
      return "(#10) Application does not have permission for this action";
    case 17:
      return "(#17) User request limit reached";
    case 32:
      return "(#32) Page request limit reached";
    case 100:
      return "(#100) Invalid parameter";
    case 102:
      return "Session key invalid or no longer valid";
    case 190:
      return "Error validating access token: The session has been invalidated.";
    case 200:
      return "(#200) Permissions error";
    case 368:
      return "(#368) The action attempted has been deemed abusive or is otherwise disallowed";
    case 613:
      return "(#613) Calls to this api have exceeded the rate limit.";
    case 80001:
      return "(#80001) There have been too many calls to this Page account. Wait a bit and try again.";
    default:
      return `(#${code}) Emulated error`;
  }
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Tuesday, 14-May-24 10:00:00 UTC" like Facebook's expiry messages. */
export function fbDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number): string => String(n).padStart(2, "0");
  const yy = p(d.getUTCFullYear() % 100);
  return (
    `${DAYS[d.getUTCDay()] ?? ""}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()] ?? ""}-${yy} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`
  );
}

export function revokedMessage(subcode: number | undefined, appId: string): string {
  switch (subcode) {
    case 458:
      return `Error validating access token: The user has not authorized application ${appId}.`;
    case 459:
      return "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.";
    case 460:
      return "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.";
    case 464:
      return "Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.";
    case 467:
      return "Error validating access token: The session is invalid because the user logged out.";
    case 492:
      return "Error validating access token: The user is not an administrator, editor, or moderator of this Page.";
    default:
      return "Error validating access token: The session has been invalidated.";
  }
}

export function expiredMessage(expiresAt: number, now: number): string {
  return `Error validating access token: Session has expired on ${fbDate(expiresAt)}. The current time is ${fbDate(now)}.`;
}

export const UNKNOWN_TOKEN_MESSAGE = "Invalid OAuth access token - Cannot parse access token";
