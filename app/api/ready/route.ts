import { checkReadiness } from "@/lib/ops/readiness";
import { jsonResponse } from "@/lib/http/respond";
import { OUTAGE_RETRY_AFTER_S } from "@/lib/http/outage";

/** Readiness (orchestrators, on-call): 200 when this instance can serve, 503 + Retry-After with what is wrong. */
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await checkReadiness();
  return jsonResponse(report, {
    status: report.ready ? 200 : 503,
    headers: report.ready ? {} : { "Retry-After": String(OUTAGE_RETRY_AFTER_S) },
  });
}
