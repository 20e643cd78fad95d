import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env, EnvError } from "../env";
import { logger } from "../log/logger";
import { databaseUnavailableAnswer, errorResponse, jsonResponse } from "./respond";

/**
 * What every Vercel Cron route does around its work: Vercel calls it with GET and `Authorization: Bearer
 * $CRON_SECRET`; the secret is compared in constant time (503 when it is not configured, 401 when it does not
 * match); the work's counts are the answer; the database being unavailable is a 503 with Retry-After, anything else
 * is logged once and answered 500 with no detail.
 */

export type CronAuthorization = { ok: true } | { ok: false; status: 401 | 503; code: string; message: string };

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** Constant-time check of `Authorization: Bearer <secret>` (hashing first makes lengths equal). */
export function authorizeCron(authorization: string | null, secret: string | undefined): CronAuthorization {
  if (!secret) {
    // The caller is anonymous: say only that the route is unavailable; the log says what to set.
    logger.error("cron.misconfigured", {
      problems: ["CRON_SECRET is not set: set it (16+ random characters) so Vercel Cron can call this route."],
    });
    return { ok: false, status: 503, code: "unavailable", message: "Unavailable." };
  }
  const presented = authorization ?? "";
  const ok = timingSafeEqual(digest(presented), digest(`Bearer ${secret}`));
  return ok ? { ok: true } : { ok: false, status: 401, code: "unauthorized", message: "Unauthorized." };
}

export interface CronJob {
  /** Log event prefix, e.g. `cron.jobs`. */
  event: string;
  route: string;
  /** Said (with "see the server logs") when the work fails unexpectedly. */
  failure: string;
  run: () => Promise<unknown>;
}

export async function runCronRoute(request: Request, job: CronJob): Promise<Response> {
  let secret: string | undefined;
  try {
    secret = env().CRON_SECRET;
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.error(`${job.event}.misconfigured`, { problems: err.problems });
    return errorResponse(503, "unavailable", "Unavailable.");
  }
  const auth = authorizeCron(request.headers.get("authorization"), secret);
  if (!auth.ok) {
    if (auth.status === 401) logger.warn(`${job.event}.unauthorized`);
    return errorResponse(auth.status, auth.code, auth.message);
  }
  try {
    return jsonResponse(await job.run());
  } catch (err) {
    const unavailable = databaseUnavailableAnswer(err, { route: job.route, method: "GET" });
    if (unavailable) return unavailable;
    logger.error(`${job.event}.failed`, { err });
    return errorResponse(500, "internal", `${job.failure}; see the server logs.`);
  }
}
