import { handleJobsCron } from "@/lib/jobs/cron";

// Vercel Cron: GET with Authorization: Bearer $CRON_SECRET (see vercel.json). Runs due jobs for a bounded time.
export const dynamic = "force-dynamic";
export const maxDuration = 60;

export function GET(request: Request): Promise<Response> {
  return handleJobsCron(request);
}
