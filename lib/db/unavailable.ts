import "server-only";
import { DATABASE_UNAVAILABLE_DIGEST } from "../http/outage";

/**
 * Telling "the database is unavailable" (down, restarting, unreachable, refusing connections, or too slow: a
 * statement or transaction past its bound) from every other database error, whichever layer reports it: raw `pg`
 * errors and socket errors, Prisma's driver-adapter errors, Prisma's own codes, and wrappers (Auth.js's
 * AdapterError) that keep the original as `cause`.
 */

/** Thrown by withTenant/withUser when the database is unavailable; its digest survives to the error pages. */
export class DatabaseUnavailableError extends Error {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The database is unavailable (${reason}).`, options);
    this.name = "DatabaseUnavailableError";
  }
}

// SQLSTATEs: class 08 (connection exception) is matched by prefix.
const UNAVAILABLE_SQLSTATE: Record<string, string> = {
  "57014": "a statement ran past its time limit and was cancelled",
  "57P01": "the database server was shut down or ended the connection",
  "57P02": "the database server crashed",
  "57P03": "the database server is starting up or shutting down",
  "57P05": "the database server ended an idle connection",
  "53300": "the database server has too many connections",
  "55P03": "a lock could not be taken in time",
};

const SOCKET_CODES: Record<string, string> = {
  ECONNREFUSED: "the database server refused the connection (is it running?)",
  ECONNRESET: "the connection to the database was reset",
  ETIMEDOUT: "the connection to the database timed out",
  EPIPE: "the connection to the database was closed",
  ENOTFOUND: "the database host name does not resolve",
  EAI_AGAIN: "the database host name could not be resolved right now",
  EHOSTUNREACH: "the database host is unreachable",
  ENETUNREACH: "the database network is unreachable",
};

const ADAPTER_KINDS: Record<string, string> = {
  DatabaseNotReachable: "the database server cannot be reached",
  ConnectionClosed: "the connection to the database was closed",
  SocketTimeout: "the connection to the database timed out",
  TooManyConnections: "the database server has too many connections",
};

const PRISMA_CODES: Record<string, string> = {
  P1001: "the database server cannot be reached",
  P1002: "the database server did not answer in time",
  P1008: "a database operation timed out",
  P1017: "the database server closed the connection",
  P2024: "no database connection was free in time",
  P2028: "a database transaction ran past its time limit",
};

function prop(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function reasonOfOne(err: unknown): string | null {
  if (err instanceof DatabaseUnavailableError) return err.reason;
  const adapterCause = prop(prop(prop(err, "meta"), "driverAdapterError"), "cause");
  const kind = str(prop(adapterCause, "kind"));
  if (kind && ADAPTER_KINDS[kind]) return ADAPTER_KINDS[kind];
  const sqlState = str(prop(adapterCause, "originalCode")) ?? str(prop(err, "code"));
  const message = str(prop(adapterCause, "originalMessage")) ?? (err instanceof Error ? err.message : "");
  if (sqlState) {
    if (UNAVAILABLE_SQLSTATE[sqlState]) return UNAVAILABLE_SQLSTATE[sqlState];
    if (/^08[0-9A-Z]{3}$/.test(sqlState)) return "the connection to the database failed";
    if (sqlState === "55000" && message.includes("not currently accepting connections")) return "the database is not accepting connections";
    if (SOCKET_CODES[sqlState]) return SOCKET_CODES[sqlState];
    if (PRISMA_CODES[sqlState]) return PRISMA_CODES[sqlState];
  }
  // pg's own words when a connection dies or the pool waits too long (no code on these).
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message))
    return "the connection to the database was lost";
  return null;
}

/**
 * Why the database is unavailable, in words, or null if err is not about availability (a bug, a constraint…).
 * Follows `cause` chains, and Auth.js's `cause: { err }` wrapping.
 */
export function databaseUnavailableReason(err: unknown): string | null {
  const queue: unknown[] = [err];
  for (let seen = 0; queue.length && seen < 12; seen++) {
    const current = queue.shift();
    if (current == null) continue;
    const reason = reasonOfOne(current);
    if (reason) return reason;
    queue.push(prop(current, "cause"), prop(current, "err"));
  }
  return null;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseUnavailableReason(err) !== null;
}

/** err as a DatabaseUnavailableError when it is about availability, else err unchanged. */
export function asDatabaseUnavailable(err: unknown): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const reason = databaseUnavailableReason(err);
  return reason ? new DatabaseUnavailableError(reason, { cause: err }) : err;
}
