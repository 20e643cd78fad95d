import { startFacebookRechoose } from "@/lib/auth/actions";
import type { AttemptView } from "@/lib/workspace/dashboard-data";

/**
 * After a connect: what Facebook did not share (declined permissions; Pages unticked at the consent step cannot be
 * seen by the app, so we ask) with one click to re-run the dialog and choose Pages and permissions again.
 */
export function ConnectFollowUp({ slug, attempt }: { slug: string; attempt: AttemptView }) {
  if (attempt.outcome !== "succeeded") return null;
  const rechoose = startFacebookRechoose.bind(null, slug);
  const declined = attempt.declinedScopes.length > 0;
  // On a phone it is behind the connect banner's "Details", with the rest of that banner.
  return (
    <form action={rechoose} className="text-xs" data-testid="connect-follow-up">
      {declined
        ? `Not granted: ${attempt.declinedScopes.join(", ")}. Missing a Page, or want to allow these? `
        : "Missing a Page? Facebook only shares the Pages you tick. "}
      <button type="submit" className="font-semibold underline">
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
    <details className="max-w-md text-xs text-slate-600" data-testid="second-login-notice">
      <summary className="cursor-pointer">Another Facebook login?</summary>
      <p className="mt-1">
        You connected {current} here. Continuing on Facebook as {current} renews it; continuing as a different login replaces {current}
        &apos;s user token (one per member and workspace), while {current}&apos;s Pages keep working on their Page tokens.
      </p>
    </details>
  );
}
