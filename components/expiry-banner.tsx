import { startFacebookConnect, startFacebookReapprove } from "@/lib/auth/actions";
import { describeWarning, type ExpiryWarnings } from "@/lib/health/expiry-warnings";
import { FacebookButton } from "./facebook-button";
import { BannerDetails } from "./ui/banner-details";
import { buttonClass } from "./ui/button";

/**
 * Server component: a banner listing Facebook connections that expire soon or no longer work, with a Reconnect
 * button (the same server action as "Connect Facebook"). Renders nothing when all is well. Load the data with
 * loadExpiryWarnings(tx) in the dashboard's tenant transaction.
 */
export function ExpiryBanner({
  slug,
  warnings,
  canReconnect = true,
}: {
  slug: string;
  warnings: ExpiryWarnings;
  /** Members who cannot manage connections see the banner without the button. */
  canReconnect?: boolean;
}) {
  if (warnings.warnings.length === 0) return null;
  const broken = warnings.warnings.some((w) => !["expiring", "data_access_expiring", "user_token_replaced"].includes(w.kind));
  const needsReapproval = warnings.warnings.some((w) => w.kind === "data_access_expiring" || w.kind === "data_access_expired");
  const needsReconnect = warnings.warnings.some((w) => w.kind !== "data_access_expiring" && w.kind !== "data_access_expired");
  const reconnect = startFacebookConnect.bind(null, slug);
  const reapprove = startFacebookReapprove.bind(null, slug);
  const headline = `${broken ? "Some Facebook connections no longer work." : "A Facebook connection expires soon."} ${needsReconnect ? "Reconnect" : "Re-approve"} to keep automations running.`;
  return (
    <div
      role={broken ? "alert" : "status"}
      data-testid="expiry-banner"
      data-severity={broken ? "broken" : "expiring"}
      className={`flex flex-wrap items-center gap-2 rounded-lg border px-3 py-2 text-sm sm:flex-nowrap sm:items-start sm:justify-between sm:gap-3 sm:p-4 sm:text-base ${broken ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}
    >
      {/* On a phone one line (the summary) next to the button, the list behind "Details"; from sm up all of it shows. */}
      <BannerDetails
        headlineClassName="font-semibold"
        headline={
          <>
            <span className="sm:hidden">{broken ? "Not working" : "Expires soon"}</span>
            <span className="max-sm:hidden">{headline}</span>
          </>
        }
      >
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
          {warnings.warnings.map((w) => (
            <li key={w.socialIdentityId} data-kind={w.kind}>
              {describeWarning(w, warnings.now)}
            </li>
          ))}
        </ul>
        {!canReconnect && <p className="mt-2 text-sm">Ask an owner or admin of this workspace to reconnect.</p>}
      </BannerDetails>
      {canReconnect && (
        <div className="flex shrink-0 flex-wrap gap-2">
          {needsReapproval && (
            <form action={reapprove}>
              <button
                type="submit"
                data-testid="reapprove"
                title="Opens Facebook to confirm the app may keep reading data for another 90 days"
                className={buttonClass("facebook", "sm")}
              >
                Re-approve on Facebook
              </button>
            </form>
          )}
          {needsReconnect && (
            <form action={reconnect}>
              <FacebookButton label="Reconnect now" size="sm" />
            </form>
          )}
        </div>
      )}
    </div>
  );
}
