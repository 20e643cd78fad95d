import "server-only";
import { isUuid } from "../db/uuid";
import type { Db } from "../db/client";
import type { TokenStatus } from "../db/generated/enums";
import { withTenant } from "../db/tenant-transaction";
import { GraphClient } from "../facebook/graph-client";
import { describeFacebookError } from "../facebook/errors";
import { logger } from "../log/logger";
import type { StopSignal } from "./classify";
import { checkBatch } from "./check-batch";
import { classifyContext, stopMessage } from "./check-context";
import { GRAPH_BATCH_LIMIT } from "../facebook/debug-token-batch";
import { loadTokens, writeCheckResults, type ClaimedToken } from "./token-store";

export interface CheckTokensNowInput {
  tenantId: string;
  /** Who asked (audit actor); null for system callers. */
  actorUserId: string | null;
  tokenIds: string[];
}

export interface CheckedToken {
  id: string;
  status: TokenStatus;
  /** Words for the person: why the token is not healthy, or why it could not be checked right now. */
  lastError: string | null;
}

/**
 * Checks the given tokens of one tenant right now (the dashboard's "check now"): debug_token in Graph batches of
 * 50, results written (status, last_checked_at, last_error, next_check_at) with audit events on status changes.
 *
 * Returns one entry per token that exists and is active in this tenant, in the order asked; unknown ids, other
 * tenants' ids and disconnected tokens are left out. Facebook failures (rate limit, outage) do not throw: the
 * token keeps its status and `lastError` says why it was not checked. Database errors do throw.
 */
export async function checkTokensNow(input: CheckTokensNowInput, opts: { client?: Db; graph?: GraphClient } = {}): Promise<CheckedToken[]> {
  const ids = [...new Set(input.tokenIds.filter((id) => isUuid(id)))];
  if (ids.length === 0) return [];
  const { tenantId, actorUserId } = input;
  const graph = opts.graph ?? new GraphClient();
  const tokens = await withTenant(tenantId, (tx) => loadTokens(tx, ids), { client: opts.client });
  const byId = new Map<string, CheckedToken>();
  let stopped: StopSignal | null = null;

  for (let start = 0; start < tokens.length; start += GRAPH_BATCH_LIMIT) {
    const chunk: ClaimedToken[] = tokens.slice(start, start + GRAPH_BATCH_LIMIT);
    if (stopped) {
      for (const t of chunk) byId.set(t.id, { id: t.id, status: t.status, lastError: stopMessage(stopped) });
      continue;
    }
    const check = await checkBatch(graph, chunk, classifyContext());
    // Only real results are written; "not checked" leaves the row alone (a sweep may hold its lease).
    const writes = check.results.map((r) => r.write).filter((w) => w.status !== null || w.lastError !== undefined);
    const written = await withTenant(tenantId, (tx) => writeCheckResults(tx, tenantId, actorUserId, writes, "check_now"), {
      client: opts.client,
    });
    const writtenById = new Map(written.map((w) => [w.id, w]));
    chunk.forEach((t, i) => {
      const r = check.results[i];
      const w = writtenById.get(t.id);
      let lastError = w ? w.lastError : null;
      if (r?.stop) lastError = check.failure && r.stop === "facebook_error" ? describeFacebookError(check.failure) : stopMessage(r.stop);
      byId.set(t.id, { id: t.id, status: w?.status ?? t.status, lastError });
    });
    const stop = check.results.find((r) => r.stop)?.stop ?? null;
    if (stop) {
      stopped = stop;
      logger.warn("health.check_now.stopped", { tenantId, reason: stop, graphErrorCode: check.failure?.code ?? null });
    }
  }
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
}
