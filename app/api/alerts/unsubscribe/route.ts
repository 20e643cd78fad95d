import { handleUnsubscribeGet, handleUnsubscribePost } from "@/lib/alerts/unsubscribe";

// One-click unsubscribe from alert emails (List-Unsubscribe-Post). Public: the signed token is the authority.
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleUnsubscribePost(request);
}

export function GET(request: Request): Response {
  return handleUnsubscribeGet(request);
}
