import "server-only";
import { readFileSync } from "node:fs";
import { env } from "../env";
import type { Membership } from "../tenancy/membership";
import type { DashboardData } from "../workspace/dashboard-data";
import type { DashboardQuery } from "../workspace/dashboard-query";

/**
 * The benchmark's floor: the dashboard's props, captured once by `npm run bench` (the real data path's output, as
 * JSON in the file BENCH_FLOOR_DATA names) and kept in memory, so /bench/floor renders the same markup with no
 * session and no database. Without BENCH_FLOOR_DATA (every real deployment) there is no floor: the route is a 404.
 */
export interface FloorProps {
  membership: Membership;
  tenants: Membership[];
  user: { id: string; name: string | null };
  query: DashboardQuery;
  value: DashboardData;
}

let cached: FloorProps | null = null;

export function floorProps(): FloorProps | null {
  const file = env().BENCH_FLOOR_DATA;
  if (!file) return null;
  if (!cached) {
    const raw = JSON.parse(readFileSync(file, "utf8")) as FloorProps;
    // JSON has no Date: revive the banner's dates (everything else is ISO strings in the real data too).
    const w = raw.value.warnings;
    w.now = new Date(w.now);
    for (const x of w.warnings) x.userTokenExpiresAt = x.userTokenExpiresAt ? new Date(x.userTokenExpiresAt) : null;
    cached = raw;
  }
  return cached;
}
