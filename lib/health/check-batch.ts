import "server-only";
import { FacebookApiError } from "../facebook/errors";
import type { GraphClient } from "../facebook/graph-client";
import type { GraphUsage } from "../facebook/usage";
import { decryptToken } from "../tokens/encryption";
import { classifyOutcome, classifyUndecryptable, releaseWrite, type Classified, type ClassifyContext, type StopSignal } from "./classify";
import { debugTokensBatch, GRAPH_BATCH_LIMIT } from "../facebook/debug-token-batch";
import type { ClaimedToken } from "./token-store";

export interface BatchCheck {
  /** One per input token, in input order. */
  results: Classified[];
  /** Usage headers of the answer (null when no request was sent or it failed). */
  usage: GraphUsage | null;
  /** The batch as a whole failed: its tokens were not checked (their writes only release the lease). */
  failure: FacebookApiError | null;
  /** Graph HTTP requests sent (0 or 1). */
  requests: number;
}

export function stopSignalFor(err: FacebookApiError): StopSignal {
  if (err.isRateLimit) return "rate_limited";
  if (err.isInvalidToken) return "app_token_rejected";
  return "facebook_error";
}

/**
 * Decrypts up to 50 tokens (here, and only for the request body) and checks them with one batch request.
 * Tokens that do not decrypt are not sent; they get a write saying so.
 */
export async function checkBatch(graph: GraphClient, tokens: readonly ClaimedToken[], ctx: ClassifyContext): Promise<BatchCheck> {
  if (tokens.length > GRAPH_BATCH_LIMIT) throw new Error(`checkBatch takes at most ${GRAPH_BATCH_LIMIT} tokens`);
  const results: (Classified | undefined)[] = new Array<Classified | undefined>(tokens.length);
  const sendIndex: number[] = [];
  const plaintexts: string[] = [];
  tokens.forEach((t, i) => {
    try {
      plaintexts.push(decryptToken(t.tenantId, { ciphertext: t.ciphertext, keyId: t.keyId }));
      sendIndex.push(i);
    } catch {
      results[i] = classifyUndecryptable(t.id, ctx);
    }
  });
  let usage: GraphUsage | null = null;
  let failure: FacebookApiError | null = null;
  if (plaintexts.length > 0) {
    try {
      const answer = await debugTokensBatch(graph, plaintexts);
      usage = answer.usage;
      answer.outcomes.forEach((outcome, j) => {
        const i = sendIndex[j] as number;
        results[i] = classifyOutcome((tokens[i] as ClaimedToken).id, outcome, ctx);
      });
    } catch (err) {
      if (!(err instanceof FacebookApiError)) throw err;
      failure = err;
      const stop = stopSignalFor(failure);
      for (const i of sendIndex) results[i] = { write: releaseWrite((tokens[i] as ClaimedToken).id), stop };
    }
  }
  plaintexts.length = 0;
  return { results: results as Classified[], usage, failure, requests: sendIndex.length > 0 ? 1 : 0 };
}
