import "server-only";
import type { Prisma } from "./generated/client";
import { db, type Db } from "./client";
import { assertAppRoleCannotBypassRls } from "./assert-app-role";
import { isUuid } from "./uuid";

/** The transaction client handed to callers: the only way app code reaches tenant-owned tables. */
export type Tx = Prisma.TransactionClient;

export interface TxOptions {
  /** Defaults to the app's client; tests pass their own (still the app role). */
  client?: Db;
  timeoutMs?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

function checkedUuid(value: string, what: string): string {
  if (!isUuid(value)) throw new Error(`${what} must be a UUID`);
  return value;
}

async function run<T>(context: { tenantId?: string; userId?: string }, fn: (tx: Tx) => Promise<T>, opts: TxOptions): Promise<T> {
  const client = opts.client ?? db();
  await assertAppRoleCannotBypassRls(client);
  const tenantId = context.tenantId ? checkedUuid(context.tenantId, "tenantId") : "";
  const userId = context.userId ? checkedUuid(context.userId, "userId") : "";
  return client.$transaction(
    async (tx) => {
      // First statement of the transaction, transaction-local (is_local = true): safe behind PgBouncer
      // in transaction mode, and gone at COMMIT/ROLLBACK so a pooled connection never leaks a tenant.
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${userId}, true)`;
      return fn(tx);
    },
    { timeout: opts.timeoutMs ?? 15_000, maxWait: 10_000, isolationLevel: opts.isolationLevel },
  );
}

/** Runs fn in one transaction whose row-level-security context is the given tenant (and, optionally, user). */
export function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, opts: TxOptions & { userId?: string } = {}): Promise<T> {
  return run({ tenantId, userId: opts.userId }, fn, opts);
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
