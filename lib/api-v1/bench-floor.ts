import "server-only";
import { db } from "../db/client";
import { env } from "../env";
import { errorResponse, jsonResponse, NOT_FOUND_MESSAGE } from "../http/respond";

/**
 * The benchmark's floor for the token hand-out: one transaction with one trivial statement through the app's pool,
 * behind the same Next route machinery. Exists only when BENCH_ROUTES=true (set by `npm run bench` alone); anywhere
 * else it is a 404 like any unknown path.
 */
export async function benchFloor(): Promise<Response> {
  if (!env().BENCH_ROUTES) return errorResponse(404, "not_found", NOT_FOUND_MESSAGE);
  await db().$transaction(async (tx) => tx.$queryRaw`SELECT 1`);
  return jsonResponse({ ok: true });
}
