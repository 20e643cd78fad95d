import "server-only";
import { parseJsonOrUndefined } from "./json";

/** Facebook's rate-limit usage headers, as the highest percentage of any quota (0–100+). */
export interface GraphUsage {
  /** X-App-Usage: max of call_count, total_time, total_cputime (percent). */
  appPercent: number;
  /** X-Business-Use-Case-Usage: max percent over every business/type entry. */
  businessPercent: number;
  /** Minutes Facebook says until access is regained (business use case), if any. */
  regainAccessMinutes: number;
}

function maxPercent(obj: unknown): number {
  if (!obj || typeof obj !== "object") return 0;
  let max = 0;
  for (const key of ["call_count", "total_time", "total_cputime"]) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v === "number" && v > max) max = v;
  }
  return max;
}

export function parseUsageHeaders(headers: Headers): GraphUsage {
  const app = maxPercent(parseJsonOrUndefined(headers.get("x-app-usage")));
  let business = 0;
  let regain = 0;
  const buc = parseJsonOrUndefined(headers.get("x-business-use-case-usage"));
  if (buc && typeof buc === "object") {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        business = Math.max(business, maxPercent(entry));
        const t = (entry as Record<string, unknown>)?.estimated_time_to_regain_access;
        if (typeof t === "number") regain = Math.max(regain, t);
      }
    }
  }
  return { appPercent: app, businessPercent: business, regainAccessMinutes: regain };
}

/** Usage at or above this percentage makes callers slow down before Facebook throttles at 100. */
export const USAGE_BACKOFF_PERCENT = 80;
