import "server-only";
import { createHash } from "node:crypto";
import { db, type Db } from "../db/client";
import { FUTURE_SKEW_SECONDS, MAX_AGE_SECONDS } from "./signed-request";
import { newConfirmationCode } from "./forget-facebook-user";

/**
 * Meta's signed_requests are accepted for MAX_AGE_SECONDS after issued_at, so a captured one could be replayed in
 * that window (a replayed deauthorize after a reconnect would delete the new connection; each data-deletion replay
 * would add a confirmation). Each processed request is remembered by its SHA-256 until it could no longer verify:
 * the first claim processes it; a replay is answered as the first was (same confirmation code) and changes nothing.
 */

export type SignedRequestKind = "deauthorize" | "data_deletion";

export interface Claim {
  /** True for the first arrival: process it. False for a replay: answer with the stored confirmation code. */
  first: boolean;
  confirmationCode: string | null;
}

const hashOf = (raw: string) => createHash("sha256").update(raw, "utf8").digest("hex");

export async function claimSignedRequest(raw: string, kind: SignedRequestKind, issuedAt: Date, opts: { client?: Db } = {}): Promise<Claim> {
  const client = opts.client ?? db();
  const hash = hashOf(raw);
  // Until the request would be refused as too old (and a margin for the clock skew it tolerates).
  const expiresAt = new Date(issuedAt.getTime() + (MAX_AGE_SECONDS + FUTURE_SKEW_SECONDS) * 1000);
  const code = kind === "data_deletion" ? newConfirmationCode() : null;
  return client.$transaction(async (tx) => {
    await tx.$executeRaw`DELETE FROM processed_signed_requests WHERE expires_at < now()`;
    const inserted = await tx.$queryRaw<{ code: string | null }[]>`
      INSERT INTO processed_signed_requests (request_hash, kind, confirmation_code, expires_at)
      VALUES (decode(${hash}, 'hex'), ${kind}, ${code}, ${expiresAt})
      ON CONFLICT (request_hash) DO NOTHING
      RETURNING confirmation_code AS code`;
    if (inserted.length === 1) return { first: true, confirmationCode: code };
    const [seen] = await tx.$queryRaw<{ code: string | null }[]>`
      SELECT confirmation_code AS code FROM processed_signed_requests WHERE request_hash = decode(${hash}, 'hex')`;
    return { first: false, confirmationCode: seen?.code ?? null };
  });
}

/** Processing failed: forget the claim so Meta's retry of the same request is processed. */
export async function releaseSignedRequest(raw: string, opts: { client?: Db } = {}): Promise<void> {
  await (opts.client ?? db()).$executeRaw`DELETE FROM processed_signed_requests WHERE request_hash = decode(${hashOf(raw)}, 'hex')`;
}
