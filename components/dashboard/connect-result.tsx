import type { AttemptView } from "@/lib/workspace/dashboard-data";
import { formatDateTime } from "../format";
import { ConnectFollowUp } from "./connect-follow-up";

/** How the person's latest Connect Facebook (or TikTok) went (shown until the next one). */
export function ConnectResult({ slug, attempt, canManage }: { slug: string; attempt: AttemptView | null; canManage: boolean }) {
  if (!attempt) return null;
  const failed = attempt.outcome === "failed";
  return (
    <div
      role="status"
      data-testid="connect-result"
      data-outcome={attempt.outcome}
      className={`flex flex-wrap items-baseline gap-x-3 gap-y-1 rounded-xl border px-4 py-3 text-sm ${failed ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
    >
      <p className="font-medium">
        {attempt.outcome === "succeeded" && attempt.identityName && (
          <strong data-testid="connected-login">{`Connected ${attempt.identityName}'s ${attempt.platform === "tiktok" ? "TikTok" : "Facebook"} account.`}</strong>
        )}{" "}
        {attempt.message}
      </p>
      {/* On a phone the Pages list comes first: the time (and a follow-up with nothing declined) stays on larger screens. */}
      {canManage && <ConnectFollowUp slug={slug} attempt={attempt} />}
      <p className="text-xs opacity-75 max-sm:hidden">
        Your latest Connect {attempt.platform === "tiktok" ? "TikTok" : "Facebook"} · {formatDateTime(attempt.createdAt)}
      </p>
    </div>
  );
}
