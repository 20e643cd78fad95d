import "server-only";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { db, poolOf } from "../db/client";
import { HttpError } from "../http/respond";

/**
 * Rate limits that hold across server instances (Vercel runs many): counters in PostgreSQL (`rate_limits`, through
 * rate-limiter-flexible's PostgreSQL store: one atomic upsert per decision). A policy names a bucket, how many points
 * and per how many seconds; the key names the subject (an API key id, a person, a workspace), never a secret.
 */

export interface RateLimitPolicy {
  /** Bucket name, part of every key (e.g. "api", "check-now"). */
  name: string;
  points: number;
  durationSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (and, when refused, until a retry can succeed). */
  resetSeconds: number;
}

const limiters = new WeakMap<pg.Pool, Map<string, RateLimiterPostgres>>();

function limiterFor(pool: pg.Pool, policy: RateLimitPolicy): RateLimiterPostgres {
  let byPolicy = limiters.get(pool);
  if (!byPolicy) limiters.set(pool, (byPolicy = new Map()));
  const id = `${policy.name}:${policy.points}:${policy.durationSeconds}`;
  let limiter = byPolicy.get(id);
  if (!limiter) {
    limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true, // created by a migration: the app role cannot create tables
      clearExpiredByTimeout: false, // a timer per process would keep CLIs and tests alive; expired rows are reused
      keyPrefix: policy.name,
      points: policy.points,
      duration: policy.durationSeconds,
    });
    byPolicy.set(id, limiter);
  }
  return limiter;
}

function decision(policy: RateLimitPolicy, res: RateLimiterRes, allowed: boolean): RateLimitDecision {
  return {
    allowed,
    limit: policy.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

/** Spends `points` (default 1) of the subject's allowance under the policy. */
export async function consume(
  policy: RateLimitPolicy,
  subject: string,
  opts: { points?: number; pool?: pg.Pool } = {},
): Promise<RateLimitDecision> {
  const limiter = limiterFor(opts.pool ?? poolOf(db()), policy);
  try {
    return decision(policy, await limiter.consume(subject, opts.points ?? 1), true);
  } catch (err) {
    if (err instanceof RateLimiterRes) return decision(policy, err, false);
    throw err;
  }
}

/** `RateLimit-*` headers (and `Retry-After` when refused) for an answer. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(d.limit),
    "RateLimit-Remaining": String(d.remaining),
    "RateLimit-Reset": String(d.resetSeconds),
  };
  if (!d.allowed) headers["Retry-After"] = String(d.resetSeconds);
  return headers;
}

/** The 429 to throw from a route when a decision refused. */
export function tooManyRequests(d: RateLimitDecision, message = "Too many requests. Wait a moment, then try again."): HttpError {
  return new HttpError(429, "rate_limited", `${message} (retry in ${d.resetSeconds} s)`, rateLimitHeaders(d));
}
