import { handleCheckTokensCron } from "@/lib/health/cron";

// Vercel Cron: GET with Authorization: Bearer $CRON_SECRET (see vercel.json). Bounded sweep; counts only.
export const dynamic = "force-dynamic";
export const maxDuration = 60;

export function GET(request: Request): Promise<Response> {
  return handleCheckTokensCron(request);
}
