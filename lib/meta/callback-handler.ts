import "server-only";
import type { Db } from "../db/client";
import { env } from "../env";
import { logger } from "../log/logger";
import { databaseUnavailableAnswer, errorResponse, jsonResponse } from "../http/respond";
import { publicOrigin } from "../http/public-origin";
import { deauthorizeFacebookUser, deleteFacebookUserData } from "./forget-facebook-user";
import { claimSignedRequest, releaseSignedRequest } from "./replay";
import { SignedRequestError, verifySignedRequest, type SignedRequestPayload } from "./signed-request";

/**
 * The logic behind POST /api/facebook/deauthorize and POST /api/facebook/data-deletion (route files stay thin).
 * A request that does not verify gets 400 with a JSON error and changes nothing. Logs carry counts, never the
 * signed_request, the person's id or a token.
 */

interface HandlerOptions {
  client?: Db;
  now?: Date;
}

/** A request that does not verify: 400, code `signed_request_<problem>`. */
function bad(message: string, problem: string): Response {
  return errorResponse(400, `signed_request_${problem}`, message);
}

async function verifiedPayload(
  request: Request,
  now: Date | undefined,
  event: string,
): Promise<{ payload: SignedRequestPayload; raw: string } | Response> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded|^multipart\/form-data/i.test(type)) {
    return bad("Send the form field signed_request (application/x-www-form-urlencoded).", "missing");
  }
  let raw: FormDataEntryValue | null;
  try {
    raw = (await request.formData()).get("signed_request");
  } catch {
    return bad("The request body is not a form.", "malformed");
  }
  try {
    const payload = verifySignedRequest(typeof raw === "string" ? raw : null, env().FACEBOOK_APP_SECRET, now);
    return { payload, raw: raw as string };
  } catch (err) {
    if (!(err instanceof SignedRequestError)) throw err;
    logger.warn(`${event}.rejected`, { problem: err.problem });
    return bad(err.message, err.problem);
  }
}

/**
 * A failure after the signed_request verified: the claim on it is released (Meta's retry is processed afresh), a
 * database outage answers 503 + Retry-After (Meta retries), anything else is logged and answered 500.
 */
async function failed(err: unknown, raw: string, opts: HandlerOptions, where: { route: string; event: string; message: string }) {
  await releaseSignedRequest(raw, { client: opts.client }).catch(() => {});
  const unavailable = databaseUnavailableAnswer(err, { route: where.route, method: "POST" });
  if (unavailable) return unavailable;
  logger.error(`${where.event}.failed`, { err });
  return errorResponse(500, "internal", where.message);
}

export async function handleDeauthorize(request: Request, opts: HandlerOptions = {}): Promise<Response> {
  const verified = await verifiedPayload(request, opts.now, "meta.deauthorize");
  if (verified instanceof Response) return verified;
  const { payload, raw } = verified;
  try {
    const claim = await claimSignedRequest(raw, "deauthorize", payload.issuedAt, { client: opts.client });
    if (!claim.first) {
      // A replay (or Meta's retry of a request already done): the same answer, nothing changes.
      logger.info("meta.deauthorize.replayed", {});
      return jsonResponse({ ok: true });
    }
    const counts = await deauthorizeFacebookUser(payload.userId, { client: opts.client });
    // (Keys containing "token" are redacted by the logger, hence "credentialsSoftDeleted".)
    logger.info("meta.deauthorize.done", {
      tenants: counts.tenants,
      identities: counts.identities,
      credentialsSoftDeleted: counts.tokens,
      pagesHidden: counts.pages,
    });
    return jsonResponse({ ok: true });
  } catch (err) {
    return failed(err, raw, opts, {
      route: "/api/facebook/deauthorize",
      event: "meta.deauthorize",
      message: "Could not process the deauthorization; Meta may retry.",
    });
  }
}

export async function handleDataDeletion(request: Request, opts: HandlerOptions = {}): Promise<Response> {
  const verified = await verifiedPayload(request, opts.now, "meta.data_deletion");
  if (verified instanceof Response) return verified;
  const { payload, raw } = verified;
  const statusUrl = (code: string) => `${publicOrigin(request)}/data-deletion/${code}`;
  try {
    const claim = await claimSignedRequest(raw, "data_deletion", payload.issuedAt, { client: opts.client });
    if (!claim.first && claim.confirmationCode) {
      // A replay: answered as the first was (same confirmation code); nothing is deleted or recorded again.
      logger.info("meta.data_deletion.replayed", {});
      return jsonResponse({ url: statusUrl(claim.confirmationCode), confirmation_code: claim.confirmationCode });
    }
    const outcome = await deleteFacebookUserData(payload.userId, {
      client: opts.client,
      confirmationCode: claim.confirmationCode ?? undefined,
    });
    logger.info("meta.data_deletion.done", {
      tenants: outcome.tenants,
      identities: outcome.identities,
      credentialsSoftDeleted: outcome.tokens,
      identitiesErased: outcome.identitiesErased,
      accountsUnlinked: outcome.accountsUnlinked,
    });
    return jsonResponse({ url: statusUrl(outcome.confirmationCode), confirmation_code: outcome.confirmationCode });
  } catch (err) {
    return failed(err, raw, opts, {
      route: "/api/facebook/data-deletion",
      event: "meta.data_deletion",
      message: "Could not process the data deletion request; Meta may retry.",
    });
  }
}
