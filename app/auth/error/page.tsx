import Link from "next/link";
import { describeAuthError } from "@/lib/auth/auth-errors";
import { currentUser } from "@/lib/auth/session";
import { continueWithFacebook } from "@/lib/auth/actions";
import { buttonClass } from "@/components/ui/button";

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<{ error?: string; provider?: string }> }) {
  const { error, provider } = await searchParams;
  const { title, detail } = describeAuthError(error, provider);
  // Signed out (e.g. Cancel on Facebook's consent page before ever signing in) there is no dashboard to go back to:
  // "Back" leads to the landing page and "Start again" goes straight back to Facebook.
  const user = await currentUser();
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-bold" data-testid="auth-error-title">
        {title}
      </h1>
      <p className="text-slate-700">{detail}</p>
      <p className="text-sm text-slate-500">Nothing was saved from this attempt.</p>
      <div className="flex gap-3">
        {user ? (
          <>
            <Link href="/start" className={buttonClass("primary", "lg")}>
              Back to your dashboard
            </Link>
            <Link href="/" className={buttonClass("secondary", "lg")}>
              Start again
            </Link>
          </>
        ) : (
          <>
            <Link href="/" className={buttonClass("secondary", "lg")}>
              Back
            </Link>
            <form action={continueWithFacebook}>
              <button type="submit" className={buttonClass("primary", "lg")}>
                Start again
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}
