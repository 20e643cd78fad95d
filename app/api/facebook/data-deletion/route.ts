import { handleDataDeletion } from "@/lib/meta/callback-handler";

// Meta's Data Deletion Request URL: POST form field signed_request → {url, confirmation_code}.
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleDataDeletion(request);
}
