import { handleDeauthorize } from "@/lib/meta/callback-handler";

// Meta's Deauthorize Callback URL: POST form field signed_request (verified in lib/meta).
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleDeauthorize(request);
}
