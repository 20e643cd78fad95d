import "server-only";
import pg from "pg";
import { Prisma } from "./generated/client";
import { clientFacts, db, type Db } from "./client";
import { assertAppRoleCannotBypassRls } from "./assert-app-role";
import { asDatabaseUnavailable } from "./unavailable";
import { isUuid } from "./uuid";
import { logger } from "../log/logger";
import { withSpan } from "../telemetry/span";

/** The transaction client handed to callers: the only way app code reaches tenant-owned tables. */
export type Tx = Prisma.TransactionClient;

export interface TxOptions {
  /** Defaults to the app's client; tests pass their own (still the app role). */
  client?: Db;
  /** The whole transaction's bound (default 15 s): past it, the statement running is cancelled and the transaction fails. */
  timeoutMs?: number;
  /** Overrides the client's per-statement bound for this transaction (transaction-local). */
  statementTimeoutMs?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

function checkedUuid(value: string, what: string): string {
  if (!isUuid(value)) throw new Error(`${what} must be a UUID`);
  return value;
}

interface Context {
  tenantId?: string;
  userId?: string;
  /** One more expression for the first statement (withTenantAnd); its value is handed to fn. */
  also?: Prisma.Sql;
}

/** One span per transaction, with the tenant's and user's ids (nothing else about them). */
function run<T>(context: Context, fn: (tx: Tx, also: unknown) => Promise<T>, opts: TxOptions): Promise<T> {
  return withSpan("db.transaction", { "db.system.name": "postgresql", "tenant.id": context.tenantId, "user.id": context.userId }, () =>
    runTransaction(context, fn, opts),
  );
}

async function runTransaction<T>(context: Context, fn: (tx: Tx, also: unknown) => Promise<T>, opts: TxOptions): Promise<T> {
  const client = opts.client ?? db();
  const tenantId = context.tenantId ? checkedUuid(context.tenantId, "tenantId") : "";
  const userId = context.userId ? checkedUuid(context.userId, "userId") : "";
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const bound = opts.statementTimeoutMs ?? clientFacts(client)?.statementTimeoutMs;
  const statementBound = bound ? Prisma.sql`, set_config('statement_timeout', ${String(Math.trunc(bound))}, true) AS st` : Prisma.empty;
  const also = context.also ? Prisma.sql`, ${context.also} AS also` : Prisma.empty;
  try {
    await assertAppRoleCannotBypassRls(client);
    return await client.$transaction(
      async (tx) => {
        // First statement of the transaction, transaction-local (is_local = true): safe behind PgBouncer
        // in transaction mode, and gone at COMMIT/ROLLBACK so a pooled connection never leaks a tenant. It also
        // bounds every statement of the transaction and tells us which backend runs it (to cancel it when overdue).
        const [first] = await tx.$queryRaw<
          { pid: number; started: string; also?: unknown }[]
        >`SELECT set_config('app.tenant_id', ${tenantId}, true) AS t,
          set_config('app.user_id', ${userId}, true) AS u, pg_backend_pid() AS pid, now()::text AS started${statementBound}${also}`;
        const stop = first ? cancelWhenOverdue(client, first, timeoutMs) : () => {};
        try {
          return await fn(tx, first?.also);
        } finally {
          stop();
        }
      },
      { timeout: timeoutMs, maxWait: 10_000, isolationLevel: opts.isolationLevel },
    );
  } catch (err) {
    throw asDatabaseUnavailable(err);
  }
}

/**
 * Prisma's transaction timeout only marks the transaction expired: the statement running keeps its connection (a
 * 25-second lock wait held it 25 s). When the transaction is overdue, cancel that statement from a separate
 * connection, only if the backend is still in this very transaction (same start time), so a connection already
 * handed to someone else is never touched. Embedded PGlite has one connection and nothing to cancel with.
 */
function cancelWhenOverdue(client: Db, backend: { pid: number; started: string }, timeoutMs: number): () => void {
  const facts = clientFacts(client);
  if (!facts || facts.embedded) return () => {};
  const timer = setTimeout(() => void cancelBackend(facts.connectionString, backend), timeoutMs);
  timer.unref();
  return () => clearTimeout(timer);
}

async function cancelBackend(connectionString: string, backend: { pid: number; started: string }): Promise<void> {
  const c = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  c.on("error", () => {});
  try {
    await c.connect();
    const { rowCount } = await c.query(
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND xact_start = $2::timestamptz`,
      [backend.pid, backend.started],
    );
    if (rowCount) logger.warn("db.transaction_overdue_cancelled", { pid: backend.pid });
  } catch (err) {
    logger.warn("db.transaction_cancel_failed", { error: err });
  } finally {
    await c.end().catch(() => {});
  }
}

/** Runs fn in one transaction whose row-level-security context is the given tenant (and, optionally, user). */
export function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, opts: TxOptions & { userId?: string } = {}): Promise<T> {
  return run({ tenantId, userId: opts.userId }, fn, opts);
}

/**
 * withTenant, with one more expression evaluated in the transaction's first statement (no extra round trip: the
 * token API re-reads its key this way, lib/api-keys/authenticate.ts). fn receives its value, as the driver returned it. The expression must not
 * depend on the tenant context being set already (the order of a statement's expressions is not defined): a function
 * that reads under RLS sets the same context itself first.
 */
export function withTenantAnd<T>(
  tenantId: string,
  also: Prisma.Sql,
  fn: (tx: Tx, also: unknown) => Promise<T>,
  opts: TxOptions & { userId?: string } = {},
): Promise<T> {
  return run({ tenantId, userId: opts.userId, also }, fn, opts);
}

/**
 * Runs fn with only a user context: the person's own memberships are readable (to list their tenants and
 * resolve a tenant slug), nothing else tenant-owned is. Switch to a tenant inside with setTenant().
 */
export function withUser<T>(userId: string, fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  return run({ userId }, fn, opts);
}

/** Moves an open transaction into a tenant's context, e.g. once a membership has been checked. */
export async function setTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.tenant_id', ${checkedUuid(tenantId, "tenantId")}, true)`;
}
