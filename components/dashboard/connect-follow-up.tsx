import { startFacebookRechoose } from "@/lib/auth/actions";
import type { AttemptView } from "@/lib/workspace/dashboard-data";

/**
 * After a connect: what Facebook did not share (declined permissions; Pages unticked at the consent step cannot be
 * seen by the app, so we ask) with one click to re-run the dialog and choose Pages and permissions again.
 */
export function ConnectFollowUp({ slug, attempt }: { slug: string; attempt: AttemptView }) {
  if (attempt.outcome !== "succeeded") return null;
  const rechoose = startFacebookRechoose.bind(null, slug);
  return (
    <form action={rechoose} className="mt-2 flex flex-wrap items-center gap-2" data-testid="connect-follow-up">
      <span>
        {attempt.declinedScopes.length > 0
          ? `Not granted: ${attempt.declinedScopes.join(", ")}. Missing a Page, or want to allow these?`
          : "Missing a Page? Facebook only shares the Pages you tick."}
      </span>
      <button type="submit" className="rounded-lg border border-current px-3 py-1 text-xs font-semibold">
        Choose Pages again
      </button>
    </form>
  );
}

/** Before connecting: what happens if the member continues as a different Facebook login than the one they have here. */
export function SecondLoginNotice({ logins }: { logins: string[] }) {
  const current = logins[0];
  if (!current) return null;
  return (
    <p className="max-w-md text-xs text-slate-600" data-testid="second-login-notice">
      You connected {current} here. Continuing on Facebook as {current} renews it; continuing as a different login replaces {current}
      &apos;s user token (one per member and workspace), while {current}&apos;s Pages keep working on their Page tokens.
    </p>
  );
}
