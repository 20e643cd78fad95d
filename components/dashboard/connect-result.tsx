import type { AttemptView } from "@/lib/workspace/dashboard-data";
import { formatDateTime } from "../format";
import { BannerDetails } from "../ui/banner-details";
import { ConnectFollowUp } from "./connect-follow-up";

/** How the person's latest Connect Facebook (or TikTok) went (shown until the next one). */
export function ConnectResult({ slug, attempt, canManage }: { slug: string; attempt: AttemptView | null; canManage: boolean }) {
  if (!attempt) return null;
  const failed = attempt.outcome === "failed";
  const platform = attempt.platform === "tiktok" ? "TikTok" : "Facebook";
  // Who was connected is the headline, the stored sentence its detail; a failure's sentence is the headline itself.
  const named = attempt.outcome === "succeeded" && Boolean(attempt.identityName);
  return (
    <div
      role="status"
      data-testid="connect-result"
      data-outcome={attempt.outcome}
      className={`rounded-xl border px-3 py-2 text-sm sm:px-4 sm:py-3 ${failed ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
    >
      {/* On a phone one line (the summary), the rest behind "Details"; from sm up all of it shows. */}
      <BannerDetails
        headlineClassName="font-medium"
        headline={
          named ? (
            <strong data-testid="connected-login">{`Connected ${attempt.identityName}'s ${platform} account.`}</strong>
          ) : (
            attempt.message
          )
        }
      >
        <div className="mt-1 flex flex-wrap items-baseline gap-x-3 gap-y-1">
          {named && <p>{attempt.message}</p>}
          {canManage && <ConnectFollowUp slug={slug} attempt={attempt} />}
          <p className="text-xs opacity-75">
            Your latest Connect {platform} · {formatDateTime(attempt.createdAt)}
          </p>
        </div>
      </BannerDetails>
    </div>
  );
}
