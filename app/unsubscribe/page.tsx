import { verifyUnsubscribeToken } from "@/lib/alerts/unsubscribe-token";

/** Confirmation page for the unsubscribe link in alert emails: works without signing in. */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<{ t?: string; done?: string }> }) {
  const { t, done } = await searchParams;
  if (done) {
    return (
      <main className="mx-auto max-w-md p-8">
        <h1 className="text-xl font-semibold">You are unsubscribed</h1>
        <p className="mt-2 text-sm text-gray-700" data-testid="unsubscribed">
          You will get no more alert emails from this workspace. You can turn them back on in the workspace under Settings → Notifications.
        </p>
      </main>
    );
  }
  const valid = t ? verifyUnsubscribeToken(t) !== null : false;
  return (
    <main className="mx-auto max-w-md p-8">
      <h1 className="text-xl font-semibold">Stop alert emails?</h1>
      {valid ? (
        <form method="post" action={`/api/alerts/unsubscribe?t=${encodeURIComponent(t ?? "")}`} className="mt-4">
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit" className="rounded-lg bg-gray-900 px-4 py-2 text-sm font-semibold text-white">
            Unsubscribe
          </button>
        </form>
      ) : (
        <p className="mt-2 text-sm text-red-700">This link is not valid. Change your email settings in the workspace instead.</p>
      )}
    </main>
  );
}
