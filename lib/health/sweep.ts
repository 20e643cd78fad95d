import "server-only";
import { db, type Db } from "../db/client";
import type { TokenStatus } from "../db/generated/enums";
import { setTenant, withTenant } from "../db/tenant-transaction";
import { GraphClient } from "../facebook/graph-client";
import type { GraphUsage } from "../facebook/usage";
import { logger } from "../log/logger";
import { releaseWrite, type Classified, type StopSignal } from "./classify";
import { checkBatch, type BatchCheck } from "./check-batch";
import { classifyContext } from "./check-context";
import { GRAPH_BATCH_LIMIT } from "../facebook/debug-token-batch";
import { ATTENTION_STATUSES, logExpiryNotifier, type ExpiryNotifier, type TokenAttention } from "./expiry-notifier";
import { nextStep } from "./sweep-decision";
import { writeCheckResults, type ClaimedToken, type WrittenToken } from "./token-store";
import { claimDueTokensEverywhere } from "./due-schedule";

/**
 * The health sweep: checks every active token that is due (next_check_at passed) with debug_token, in Graph
 * batches of 50 filled across tenants.
 *
 * Each round: claim up to `concurrency × 50` due tokens from the global schedule (due-schedule.ts: one indexed
 * statement with FOR UPDATE SKIP LOCKED and a lease, then each workspace's tokens under its RLS context), COMMIT,
 * then call Facebook, then write each tenant's results with one UPDATE and its audit events with one INSERT.
 * Two sweeps never hold the same token (row locks, then the committed lease); a sweep that dies leaves leases that
 * simply run out, and the next sweep picks those tokens up again.
 *
 * Rate limits: a rate-limit answer (codes 4/17/32/613/80001, for the whole batch or any item), Facebook saying
 * when access comes back, or usage ≥ 95% stops the sweep at once; usage ≥ 80% pauses (injectable sleep) and stops
 * after `maxPauses` pauses in a row. Whatever was claimed and not checked gets its lease back and stays due.
 */

export type SweepStopReason =
  "done" | "rate_limited" | "usage_high" | "app_token_rejected" | "facebook_error" | "time_budget" | "token_budget";

export interface SweepOptions {
  client?: Db;
  graph?: GraphClient;
  /** Check at most this many tokens (default: no limit). */
  maxTokens?: number;
  /** Start no round that could end after this many ms (default: no limit). */
  timeBudgetMs?: number;
  /** Batch requests in flight at once (default 2). */
  concurrency?: number;
  /** A claimed token's lease (default 300 s: longer than any round, short enough to resume soon after a crash). */
  leaseSeconds?: number;
  /** Pause when usage reaches 80% (default 15 s, or what Facebook says until access is regained, if longer). */
  backoffMs?: number;
  /** Stop after this many high-usage pauses in a row (default 2). */
  maxPauses?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock for the time budget (ms). */
  clock?: () => number;
  notifier?: ExpiryNotifier;
}

export interface SweepResult {
  /** Tokens checked and written (a status from Facebook, or "could not check, retry later"). */
  checked: number;
  /** Tokens whose status changed. */
  changed: number;
  active: number;
  expiring: number;
  expired: number;
  revoked: number;
  invalid: number;
  data_access_expiring: number;
  data_access_expired: number;
  /** Not checked this time (Facebook error for that token, or undecryptable); retried later. */
  retryLater: number;
  /** Claimed but given back unchecked because the sweep stopped. */
  released: number;
  graphRequests: number;
  pauses: number;
  tenants: number;
  stoppedReason: SweepStopReason;
  durationMs: number;
}

const DEFAULT_LEASE_SECONDS = 300;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RoundOutcome {
  results: { token: ClaimedToken; classified: Classified }[];
  usages: GraphUsage[];
  requests: number;
  stop: StopSignal | null;
  failureCode: number | null;
}

async function checkRound(graph: GraphClient, claimed: ClaimedToken[], concurrency: number): Promise<RoundOutcome> {
  const batches: ClaimedToken[][] = [];
  for (let i = 0; i < claimed.length; i += GRAPH_BATCH_LIMIT) batches.push(claimed.slice(i, i + GRAPH_BATCH_LIMIT));
  const checks: (BatchCheck | null)[] = batches.map(() => null);
  let stop: StopSignal | null = null;
  let next = 0;
  const ctx = classifyContext();
  const worker = async () => {
    while (next < batches.length && !stop) {
      const i = next++;
      const check = await checkBatch(graph, batches[i] as ClaimedToken[], ctx);
      checks[i] = check;
      stop ??= check.results.find((r) => r.stop)?.stop ?? null;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  const out: RoundOutcome = { results: [], usages: [], requests: 0, stop, failureCode: null };
  batches.forEach((batch, i) => {
    const check = checks[i];
    if (check) {
      out.requests += check.requests;
      if (check.usage) out.usages.push(check.usage);
      if (check.failure) out.failureCode ??= check.failure.code ?? check.failure.info.status;
    }
    batch.forEach((token, j) => {
      out.results.push({ token, classified: check?.results[j] ?? { write: releaseWrite(token.id), stop: null } });
    });
  });
  return out;
}

export async function runTokenSweep(opts: SweepOptions = {}): Promise<SweepResult> {
  const client = opts.client ?? db();
  const graph = opts.graph ?? new GraphClient();
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const notifier = opts.notifier ?? logExpiryNotifier;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
  const leaseSeconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const maxTokens = opts.maxTokens ?? Number.POSITIVE_INFINITY;
  const timeBudgetMs = opts.timeBudgetMs ?? Number.POSITIVE_INFINITY;
  const backoffMs = opts.backoffMs ?? 15_000;
  const maxPauses = opts.maxPauses ?? 2;
  // A round lasts at most about one Graph timeout (one wave of `concurrency` batches) plus database time.
  const roundReserveMs = graph.config.timeoutMs + 2_000;
  const started = clock();

  const result: SweepResult = {
    checked: 0,
    changed: 0,
    active: 0,
    expiring: 0,
    expired: 0,
    revoked: 0,
    invalid: 0,
    data_access_expiring: 0,
    data_access_expired: 0,
    retryLater: 0,
    released: 0,
    graphRequests: 0,
    pauses: 0,
    tenants: 0,
    stoppedReason: "done",
    durationMs: 0,
  };

  // Due tokens come from the global schedule (one indexed statement), not from walking every workspace.
  const tenantsSeen = new Set<string>();
  let claimedTotal = 0;
  let pausesInARow = 0;

  /** Claims up to `want` due tokens across all workspaces; commits before returning. */
  const claimRound = async (want: number): Promise<ClaimedToken[]> => {
    const claimed = await claimDueTokensEverywhere(client, want, leaseSeconds);
    for (const t of claimed) tenantsSeen.add(t.tenantId);
    result.tenants = tenantsSeen.size;
    return claimed;
  };

  /** Writes a round's results: one transaction, per tenant one UPDATE (+ one audit INSERT when statuses changed). */
  const writeRound = async (results: RoundOutcome["results"]): Promise<WrittenToken[]> => {
    const byTenant = new Map<string, RoundOutcome["results"]>();
    for (const r of results) byTenant.set(r.token.tenantId, [...(byTenant.get(r.token.tenantId) ?? []), r]);
    // Ascending workspace ids, like every writer that walks several workspaces: their per-workspace write locks are
    // then always taken in one order (two sweeps writing the same workspaces in different orders would deadlock).
    const tenantIds = [...byTenant.keys()].sort();
    if (tenantIds.length === 0) return [];
    const written = await withTenant(
      tenantIds[0] as string,
      async (tx) => {
        const all: (WrittenToken & { tenantId: string })[] = [];
        for (const [i, tenantId] of tenantIds.entries()) {
          if (i > 0) await setTenant(tx, tenantId);
          const rows = await writeCheckResults(
            tx,
            tenantId,
            null,
            (byTenant.get(tenantId) ?? []).map((r) => r.classified.write),
            "sweep",
          );
          all.push(...rows.map((w) => ({ ...w, tenantId })));
        }
        return all;
      },
      { client },
    );
    const attention: TokenAttention[] = written
      .filter((w) => w.previousStatus !== w.status && ATTENTION_STATUSES.has(w.status))
      .map((w) => ({
        tenantId: w.tenantId,
        tokenId: w.id,
        tokenType: w.tokenType,
        socialIdentityId: w.socialIdentityId,
        from: w.previousStatus,
        to: w.status as TokenAttention["to"],
        expiresAt: w.expiresAt,
      }));
    if (attention.length > 0) {
      await notifier.tokensNeedAttention(attention).catch((err: unknown) => logger.error("health.notifier_failed", { err }));
    }
    return written;
  };

  for (;;) {
    if (clock() - started + roundReserveMs > timeBudgetMs) {
      result.stoppedReason = "time_budget";
      break;
    }
    const want = Math.min(concurrency * GRAPH_BATCH_LIMIT, maxTokens - claimedTotal);
    if (want <= 0) {
      result.stoppedReason = "token_budget";
      break;
    }
    const claimed = await claimRound(want);
    if (claimed.length === 0) break; // nothing due anywhere: done
    claimedTotal += claimed.length;

    const round = await checkRound(graph, claimed, concurrency);
    result.graphRequests += round.requests;
    const written = await writeRound(round.results);
    const writeOf = new Map(round.results.map((r) => [r.token.id, r.classified.write]));
    for (const w of written) {
      const write = writeOf.get(w.id);
      if (!write) continue;
      if (write.status !== null) {
        result.checked++;
        result[w.status as Exclude<TokenStatus, "unchecked">]++;
        if (w.previousStatus !== w.status) result.changed++;
      } else if (write.lastError !== undefined) {
        result.retryLater++;
      } else {
        result.released++;
      }
    }

    const step = nextStep({
      stop: round.stop,
      usages: round.usages,
      pausesInARow,
      maxPauses,
      backoffMs,
      elapsedMs: clock() - started,
      roundReserveMs,
      timeBudgetMs,
    });
    if (step.kind === "stop") {
      result.stoppedReason = step.reason;
      if (round.stop) logger.warn("health.sweep.facebook_stop", { reason: round.stop, graphErrorCode: round.failureCode });
      else
        logger.warn("health.sweep.usage_stop", {
          usagePercent: step.usagePercent,
          regainAccessMinutes: step.regainAccessMinutes,
          pauses: pausesInARow,
        });
      break;
    }
    if (step.kind === "pause") {
      logger.info("health.sweep.pause", { usagePercent: step.usagePercent, pauseMs: step.ms });
      pausesInARow++;
      result.pauses++;
      await sleep(step.ms);
    } else {
      pausesInARow = 0;
    }
  }

  result.durationMs = clock() - started;
  logger.info("health.sweep.finished", { ...result });
  return result;
}
